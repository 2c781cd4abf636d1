"""Times pickle protocol 5 on a stallbench payload, held as an engine holds it; stdlib only.

Reads from stdin one JSON header line, then each array field's raw little-endian bytes in
stallbench's ARRAY_FIELDS order. Writes one JSON line of results to stdout. Timing happens
here, with time.perf_counter_ns; moving the payload in from Node is not timed.
"""
import array
import json
import os
import pickle
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stallbench.payload import ARRAY_FIELDS, boxed_form, fingerprint, typecode  # noqa: E402

MIN_VERSION = (3, 8)  # pickle protocol 5


def fail(code, message):
    sys.stderr.write(message + "\n")
    sys.exit(code)


def read_payload(stream):
    header = json.loads(stream.readline())
    columns = {}
    for field in ARRAY_FIELDS:
        column = array.array(typecode(field))
        size = header["lengths"][field] * column.itemsize
        raw = stream.read(size)
        if len(raw) != size:
            fail(4, f"payload truncated in {field}")
        column.frombytes(raw)
        if sys.byteorder != "little":
            column.byteswap()
        columns[field] = column
    return header, columns


def boxed_form_of(header, c):
    """Per-request dicts of Python lists: how an engine written in Python holds gen_ctx_meta."""
    return boxed_form(header["stepId"], header["blockSize"], header["reqIds"], c)


def array_form(header, c):
    """The same content as stdlib typed arrays: the columnar lesson in Python terms."""
    return {"step_id": header["stepId"], "block_size": header["blockSize"],
            "req_ids": list(header["reqIds"]), **{field: c[field] for field in ARRAY_FIELDS}}


def columns_of_boxed(meta):
    reqs = meta["requests"]
    out = {f: array.array(typecode(f)) for f in ARRAY_FIELDS}
    out["blockTableOffsets"].append(0)
    out["slotOffsets"].append(0)
    for r in reqs:
        out["seqLens"].append(r["seq_len"])
        out["numNewTokens"].append(r["num_new_tokens"])
        out["temperature"].append(r["temperature"])
        out["topP"].append(r["top_p"])
        out["topK"].append(r["top_k"])
        out["blockTables"].extend(r["block_table"])
        out["slotMapping"].extend(r["slot_mapping"])
        out["blockTableOffsets"].append(len(out["blockTables"]))
        out["slotOffsets"].append(len(out["slotMapping"]))
    return [r["req_id"] for r in reqs], out


def as_ms(samples_ns):
    """Raw samples in ms: stallbench summarizes them (median, its interval, p99) the same way for every row."""
    return [x / 1e6 for x in samples_ns]


def time_pickle(obj, budget_ms, min_samples, max_samples):
    for _ in range(2):
        pickle.loads(pickle.dumps(obj, protocol=5))
    dumps, loads = [], []
    keep = None
    spent = 0
    while len(dumps) < min_samples or (spent < budget_ms * 1e6 and len(dumps) < max_samples):
        t0 = time.perf_counter_ns()
        blob = pickle.dumps(obj, protocol=5)
        t1 = time.perf_counter_ns()
        keep = pickle.loads(blob)
        t2 = time.perf_counter_ns()
        dumps.append(t1 - t0)
        loads.append(t2 - t1)
        spent += t2 - t0
    return {"dumps": as_ms(dumps), "loads": as_ms(loads), "bytes": len(blob)}, keep


def main():
    if sys.version_info < MIN_VERSION:
        fail(3, f"Python {sys.version.split()[0]} is too old: pickle protocol 5 needs 3.8 or newer")
    header, columns = read_payload(sys.stdin.buffer)
    budget, lo, hi = header.get("timeMs", 300), header.get("minSamples", 5), header.get("maxSamples", 200)
    out = {"python": sys.version.split()[0], "executable": sys.executable, "forms": {}, "verified": {}}
    boxed = boxed_form_of(header, columns)
    out["forms"]["boxed"], decoded = time_pickle(boxed, budget, lo, hi)
    ids, cols = columns_of_boxed(decoded)
    out["verified"]["boxed"] = decoded == boxed and fingerprint(decoded["step_id"], decoded["block_size"], ids, cols) == header["fingerprint"]
    del boxed, decoded
    typed = array_form(header, columns)
    out["forms"]["array"], decoded = time_pickle(typed, budget, lo, hi)
    out["verified"]["array"] = decoded == typed and fingerprint(decoded["step_id"], decoded["block_size"], decoded["req_ids"], decoded) == header["fingerprint"]
    sys.stdout.write(json.dumps(out) + "\n")


main()
