"""stallbench's control frames (src/broadcast/protocol.ts) and what every Python process needs around them."""
import gc
import os
import resource
import sys
import threading
import time

import msgpack
import zmq

from .modules import UserCodeError

# Exit codes the TypeScript side reads: a failure it can name without parsing a traceback.
FAILED_EXIT = 3
INJECTED_CRASH_EXIT = 86


def now_ns():
    """CLOCK_MONOTONIC in ns: the clock of Node's process.hrtime.bigint(), comparable across processes."""
    return time.monotonic_ns()


def _open_schedstat():
    try:
        return os.open("/proc/self/schedstat", os.O_RDONLY)
    except OSError:
        return None


# The main thread's scheduler statistics (on-CPU ns, run-queue wait ns, slices), read again by pread each step.
_SCHEDSTAT = _open_schedstat()


def run_queue_us():
    """How long the main thread has waited on a run queue (runnable, without a core), µs; None where unknown."""
    if _SCHEDSTAT is None:
        return None
    return int(os.pread(_SCHEDSTAT, 128, 0).split()[1]) / 1000


def counters():
    """Minor page faults, involuntary context switches (preemptions) and run-queue wait (µs or None) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_minflt, usage.ru_nivcsw, run_queue_us()


def step_counters(before, after):
    """The answer fields of a step's cycle from two counters() readings."""
    fields = {"pageFaults": after[0] - before[0], "involuntary": after[1] - before[1]}
    if before[2] is not None and after[2] is not None:
        fields["runQueueUs"] = after[2] - before[2]
    return fields


class GcClock:
    """This process's garbage-collection time, from gc.callbacks: take_ms() hands back what ran since the last take."""

    def __init__(self):
        self._total_ns = 0
        self._started = None
        gc.callbacks.append(self._callback)

    def _callback(self, phase, _info):
        if phase == "start":
            self._started = time.perf_counter_ns()
        elif self._started is not None:
            self._total_ns += time.perf_counter_ns() - self._started
            self._started = None

    def take_ms(self):
        total, self._total_ns = self._total_ns, 0
        return total / 1e6


def pack(message):
    return msgpack.packb(message, use_bin_type=True)


def unpack(frame, token):
    """A control frame's map when it carries this run's token; None for anything else (foreign or garbage)."""
    try:
        value = msgpack.unpackb(getattr(frame, "buffer", frame), raw=False)
    except Exception:  # noqa: BLE001 - a frame that is not msgpack is someone else's
        return None
    return value if isinstance(value, dict) and value.get("token") == token else None


def exit_with_parent():
    """The parent holds our stdin open; EOF means it has gone (or closed us), and a rank never outlives it."""
    def watch():
        try:
            while sys.stdin.buffer.read(65536):
                pass
        finally:
            os._exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def answer_fields(kind, step, received_ns=0, config=0):
    """An answer with nothing measured yet: the fields every answer carries (src/broadcast/protocol.ts Ack)."""
    return {"kind": kind, "config": config, "step": step, "receivedNs": received_ns, "decodedNs": 0, "convertedNs": 0,
            "readyNs": 0, "pageFaults": 0, "verified": None, "error": None}


def cpu_us():
    """User + system CPU time this process has used, µs (every thread): sent with each ping, never per step."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return int((usage.ru_utime + usage.ru_stime) * 1e6)


def inject(fault, rank, step):
    """Crashes, kills or hangs this process when the configuration's fault names this rank and step."""
    if fault is None or fault.get("rank") != rank or fault.get("step") != step:
        return
    kind = fault.get("kind")
    if kind == "crash":
        os._exit(INJECTED_CRASH_EXIT)
    if kind == "kill":
        os.kill(os.getpid(), 9)
    if kind == "hang":
        while True:
            time.sleep(1)


def socket(context, kind, idle_ms):
    """A socket that never holds the process open at exit (linger 0) and gives up on a peer silent for idle_ms."""
    s = context.socket(kind)
    s.linger = 0
    s.rcvtimeo = idle_ms
    s.sndtimeo = idle_ms
    return s


def commands(source, token, idle_ms, sender):
    """Each command carrying the run token, with its frames and its receive stamp; raises when `sender` is silent too long."""
    while True:
        try:
            frames = source.recv_multipart(copy=False)
        except zmq.Again:
            raise RuntimeError(f"no message from {sender} for {idle_ms} ms") from None
        received_ns = now_ns()
        command = unpack(frames[0], token)
        # Frames without this run's token come from someone else and are dropped.
        if command is not None:
            yield command, frames, received_ns


def configure(command, received_ns, make):
    """Builds what a configuration needs with make(config); returns it (None on failure) and the 'configured' answer."""
    config = command["config"]
    user = None
    try:
        if config.get("kind", {}).get("kind") not in ("ctx-meta", "message", "empty"):
            raise ValueError(f"Python ranks carry no {config.get('kind', {}).get('kind')!r} messages")
        current, error = {"config": config, "kind": config["kind"]["kind"], **make(config)}, None
    except Exception as e:  # noqa: BLE001 - said to stallbench, which names the rank
        current, error, user = None, describe(e), user_code_of(e)
    name = None if current is None else getattr(current["codec"], "name", None)
    return current, {**answer_fields("configured", -1, received_ns, config["id"]), "error": error, "userCode": user,
                     "codecName": name if isinstance(name, str) else None}


def user_code_of(error):
    """What stallbench needs to name a failure of the user's codec module: the module and the call; None otherwise."""
    if isinstance(error, UserCodeError):
        return {"codec": error.codec, "call": error.call}
    return None


def describe(error):
    if isinstance(error, UserCodeError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def is_step_of(command, current):
    """True for a step of the configuration this process holds."""
    return command.get("kind") == "step" and current is not None and command.get("config") == current["config"]["id"]
