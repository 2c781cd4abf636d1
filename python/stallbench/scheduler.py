"""Rank 0, the scheduler: takes each step from stallbench (untimed), then encodes and publishes it to the ranks.

stallbench hands every command over its PUSH `feed` socket; the scheduler publishes what the ranks must see on its
PUB `steps` socket and answers stallbench's PULL `acks` socket with its own clock stamps, as rank 0.
"""
import sys

import zmq

from .codecs import buffer_of, create_codec
from .columns import byte_length, from_buffers
from .control import GcClock, answer_fields, commands, configure, counters, cpu_us, describe, inject, is_step_of, now_ns, pack, socket, step_counters, user_code_of
from .fingerprint import message_byte_length
from .message import column_of, first_difference, unflatten
from .modules import UserCodeError
from .replay import create_replay_codec, read_replay, replay_mismatch
from .payload import ARRAY_FIELDS
from .strategies import SchedulerSide

RANK = 0


def wire_of(current, command, frames):
    """The step's wire message and its content bytes: CtxMeta arrives as raw columns and takes the strategy here; any
    other kind arrives as the flattened wire message the TypeScript side's strategy made (untimed either way)."""
    if current["kind"] == "ctx-meta":
        if len(frames) != 1 + len(ARRAY_FIELDS):
            raise ValueError(f"a step arrives as {1 + len(ARRAY_FIELDS)} frames, got {len(frames)}")
        payload = from_buffers(command["stepId"], command["blockSize"], command["reqIds"], [buffer_of(f) for f in frames[1:]])
        wire = current["side"].wire(payload, command["restart"])
        return wire, byte_length(wire)
    header = command["message"]
    if len(frames) != 2 + len(header["dtypes"]):
        raise ValueError(f"a message step arrives as {2 + len(header['dtypes'])} frames, got {len(frames)}")
    columns = [column_of(code, buffer_of(f)) for code, f in zip(header["dtypes"], frames[2:])]
    wire = unflatten(header, buffer_of(frames[1]), columns)
    return wire, message_byte_length(wire)


def replayed(current, index):
    objects = current["replay"]
    if index >= len(objects):
        raise UserCodeError(current["config"]["kind"]["replay"], "replay", f"holds {len(objects)} steps, and the messages file has more")
    return objects[index]


def round_trip(current, command, wire, out):
    """The gate's own check, before anything is timed: this process decodes what it sent and names the first difference.
    A replayed object must also agree with its JSON line (the wire message handed over), under capture.py's conversion."""
    codec, step = current["codec"], command["step"]
    if current.get("replay") is not None:
        dtypes = current["config"]["kind"]["dtypes"]
        obj = replayed(current, command["replayIndex"])
        mismatch = replay_mismatch(obj, wire, dtypes, command["replayIndex"])
        if mismatch is not None:
            return mismatch
        difference = replay_mismatch(codec.decode([memoryview(f) for f in out]), wire, dtypes, command["replayIndex"])
        return None if difference is None else f"{codec.name} does not round-trip step {step}: {difference.split(': ', 1)[1]}"
    back = codec.to_columnar(codec.decode([memoryview(f) for f in out]))
    difference = first_difference(wire, back)
    return None if difference is None else f"{codec.name} does not round-trip step {step}: {difference}"


# The scheduler's GC over each step's encode and publish.
GC_CLOCK = GcClock()


def run_step(current, command, frames, publish):
    """Strategy and the engine's own form first (untimed), then encode and publish between clock stamps."""
    codec = current["codec"]
    wire, payload_bytes = wire_of(current, command, frames)
    # A replay sends the engine's own object for the step; its JSON line (the wire message) is what it is checked against.
    held = codec.prepare(wire if current.get("replay") is None else replayed(current, command["replayIndex"]))
    header = pack({"kind": "step", "token": command["token"], "config": current["config"]["id"], "step": command["step"],
                   "restart": command["restart"], "check": command["check"]})
    GC_CLOCK.take_ms()
    before = counters()
    start_ns = now_ns()
    out = codec.encode(held)
    encoded_ns = now_ns()
    # The gate's steps are checked here before the ranks see them, so a codec that loses data is named by path.
    mismatch = round_trip(current, command, wire, out) if command.get("roundTrip") is True else None
    if mismatch is not None:
        return {"error": mismatch, "mismatch": mismatch}
    publish([header, *out])
    sent_ns = now_ns()
    return {"startNs": start_ns, "encodedNs": encoded_ns, "sentNs": sent_ns, **step_counters(before, counters()), "gcMs": GC_CLOCK.take_ms(),
            "frames": len(out), "wireBytes": sum(memoryview(f).nbytes for f in out), "payloadBytes": payload_bytes}


def scheduler_configuration(config):
    """The codec and strategy of a configuration: CtxMeta's strategy runs here, any other kind's ran on the TypeScript
    side, which hands over its wire message; a replay also loads the engine's objects (once per file)."""
    replay = config["kind"].get("replay")
    if replay is not None:
        return {"codec": create_replay_codec(config["codec"]), "side": None, "replay": read_replay(replay)}
    side = SchedulerSide(config["strategy"]) if config["kind"]["kind"] == "ctx-meta" else None
    return {"codec": create_codec(config["codec"], config["kind"]), "side": side}


def serve(start):
    token, idle = start["token"], start["idleTimeoutMs"]
    context = zmq.Context()
    feed, answers, steps = (socket(context, kind, idle) for kind in (zmq.PULL, zmq.PUSH, zmq.PUB))
    feed.connect(start["feed"])
    answers.connect(start["acks"])
    steps.bind(start["steps"])

    def answer(fields):
        answers.send(pack({"token": token, "rank": RANK, **fields}))

    def publish(frames):
        steps.send_multipart(frames, copy=False)

    python = {"version": sys.version.split()[0], "executable": sys.executable}
    answer({**answer_fields("hello", -1, now_ns()), "python": python})
    current = None
    try:
        for command, frames, received_ns in commands(feed, token, idle, "stallbench"):
            kind = command.get("kind")
            if kind == "stop":
                publish([frames[0].bytes])
                break
            if kind == "ping":
                start_ns = now_ns()
                publish([frames[0].bytes])
                answer({**answer_fields("ping", command["step"], received_ns), "startNs": start_ns, "cpuUs": cpu_us()})
            elif kind == "configure":
                current, reply = configure(command, received_ns, scheduler_configuration)
                # The ranks configure only what the scheduler could.
                if current is not None:
                    publish([frames[0].bytes])
                answer(reply)
            elif is_step_of(command, current):
                step = command["step"]
                inject(current["config"].get("fault"), RANK, step)
                fields = answer_fields("step", step, received_ns, current["config"]["id"])
                try:
                    fields.update(run_step(current, command, frames, publish))
                except Exception as e:  # noqa: BLE001
                    fields["error"], fields["userCode"] = describe(e), user_code_of(e)
                answer(fields)
    finally:
        # A moment for the last frames (stop) to leave before the sockets go.
        steps.close(linger=500)
        feed.close()
        answers.close(linger=500)
        context.term()
