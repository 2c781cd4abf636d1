"""Entry point of stallbench's Python processes: `probe`, `scheduler START_JSON` or `rank START_JSON`.

Needs Python >= 3.8 (pickle protocol 5) with numpy, pyzmq and msgpack (Debian: python3-numpy python3-zmq
python3-msgpack). Exit codes: 0 done; 3 failed (the reason on stderr's last line); 5 this interpreter lacks what
stallbench needs (one line on stderr); 86 an injected crash.
"""
import json
import os
import sys

UNAVAILABLE_EXIT = 5
NEEDS = (("numpy", "python3-numpy"), ("zmq", "python3-zmq"), ("msgpack", "python3-msgpack"))


def unavailable(message):
    sys.stderr.write(f"stallbench: {message}\n")
    sys.exit(UNAVAILABLE_EXIT)


def check_interpreter():
    if sys.version_info < (3, 8):
        unavailable(f"Python {sys.version.split()[0]} is too old: pickle protocol 5 needs 3.8 or newer")
    missing = []
    for module, package in NEEDS:
        try:
            __import__(module)
        except Exception as e:  # noqa: BLE001 - a module that fails to import is as missing as one that is absent
            missing.append(f"{module} ({type(e).__name__}; Debian: {package})")
    if missing:
        unavailable(f"{sys.executable} lacks Python module{'s' if len(missing) > 1 else ''} {', '.join(missing)}")


def probe():
    import msgpack
    import numpy
    import zmq
    return {"version": sys.version.split()[0], "executable": sys.executable, "numpy": numpy.__version__,
            "pyzmq": zmq.__version__, "libzmq": zmq.zmq_version(), "msgpack": ".".join(map(str, msgpack.version))}


def main():
    check_interpreter()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from stallbench import rank, scheduler
    from stallbench.control import FAILED_EXIT, exit_with_parent

    role = sys.argv[1] if len(sys.argv) > 1 else ""
    if role == "probe":
        sys.stdout.write(json.dumps(probe()) + "\n")
        return
    if role not in ("scheduler", "rank"):
        unavailable(f"unknown role '{role}'; use probe, scheduler or rank")
    start = json.loads(sys.argv[2])
    exit_with_parent()
    try:
        (scheduler if role == "scheduler" else rank).serve(start)
    except Exception as e:  # noqa: BLE001 - one line for stallbench's RankFailedError
        sys.stderr.write(f"rank {start.get('rank', 0)} failed: {type(e).__name__}: {e}\n")
        sys.stderr.flush()
        os._exit(FAILED_EXIT)
    sys.stdout.flush()
    os._exit(0)


main()
