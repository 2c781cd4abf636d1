"""Ranks 1..tp-1: receive each step, decode, convert to arrays, rebuild the step view, check it, answer stallbench.

Same protocol as src/broadcast/rank-process.ts: SUB to the scheduler's steps, PUSH answers to stallbench's PULL.
"""
import zmq

from .codecs import create_codec
from .columns import fingerprint_of
from .control import GcClock, answer_fields, commands, configure, counters, cpu_us, describe, inject, is_step_of, now_ns, pack, socket, step_counters, user_code_of
from .fingerprint import message_fingerprint
from .message import MessageRankSide
from .replay import as_message, create_replay_codec
from .strategies import RankSide


def run_step(current, command, frames, received_ns):
    """Decode, convert and derive between clock stamps; the fingerprint check comes after the clock stops."""
    codec, side = current["codec"], current["side"]
    if command.get("restart") is True:
        side.reset()
    decoded = codec.decode(frames[1:])
    decoded_ns = now_ns()
    # Boxed lists are no use to a launch: building arrays from them is timed (convert).
    wire = codec.to_columnar(decoded)
    converted_ns = now_ns()
    view = side.apply(wire)
    ready_ns = now_ns()
    check = command.get("check")
    verified = current["fingerprint"](view) == check if isinstance(check, str) and check != "" else None
    return {"receivedNs": received_ns, "decodedNs": decoded_ns, "convertedNs": converted_ns, "readyNs": ready_ns,
            "verified": verified}


def rank_configuration(config):
    """The codec, the strategy's rank side and the fingerprint for a configuration's kind of message."""
    replay = config["kind"].get("replay")
    if replay is not None:
        # The engine's object is what its worker launches from; it is verified as its JSON line, after the clock.
        dtypes = config["kind"]["dtypes"]
        return {"codec": create_replay_codec(config["codec"]), "side": MessageRankSide("full"),
                "fingerprint": lambda view: message_fingerprint(as_message(view, dtypes))}
    codec = create_codec(config["codec"], config["kind"])
    if config["kind"]["kind"] == "ctx-meta":
        return {"codec": codec, "side": RankSide(config["strategy"]), "fingerprint": fingerprint_of}
    return {"codec": codec, "side": MessageRankSide(config["strategy"]), "fingerprint": message_fingerprint}


def serve(start):
    rank, token, idle = start["rank"], start["token"], start["idleTimeoutMs"]
    context = zmq.Context()
    steps, answers = (socket(context, kind, idle) for kind in (zmq.SUB, zmq.PUSH))
    steps.connect(start["steps"])
    steps.setsockopt(zmq.SUBSCRIBE, b"")
    answers.connect(start["acks"])

    def answer(fields):
        answers.send(pack({"token": token, "rank": rank, **fields}))

    answer(answer_fields("hello", -1, now_ns()))
    current = None
    last = counters()
    gc_clock = GcClock()
    try:
        # A scheduler silent for the idle timeout has gone without a word: the rank exits rather than wait forever.
        for command, frames, received_ns in commands(steps, token, idle, "the scheduler"):
            kind = command.get("kind")
            if kind == "stop":
                break
            if kind == "ping":
                answer({**answer_fields("ping", command["step"], received_ns), "cpuUs": cpu_us()})
            elif kind == "configure":
                current, reply = configure(command, received_ns, rank_configuration)
                answer(reply)
            elif is_step_of(command, current):
                step = command["step"]
                inject(current["config"].get("fault"), rank, step)
                fields = answer_fields("step", step, received_ns, current["config"]["id"])
                fields.update(decodedNs=received_ns, convertedNs=received_ns, readyNs=received_ns)
                try:
                    fields.update(run_step(current, command, frames, received_ns))
                except Exception as e:  # noqa: BLE001
                    fields["error"], fields["userCode"] = describe(e), user_code_of(e)
                del frames
                # This step's cycle, answer to answer, for the tail's attribution.
                now = counters()
                fields.update(step_counters(last, now), gcMs=gc_clock.take_ms())
                answer(fields)
                last = now
    finally:
        steps.close()
        answers.close()
        context.term()
