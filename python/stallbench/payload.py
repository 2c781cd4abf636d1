"""What every Python helper agrees on with stallbench's TypeScript: the fields, the fingerprint, the boxed form.

Stdlib only. Columns may be array.array or C-contiguous numpy arrays: anything with len(), slicing, tolist()
and a contiguous buffer of the field's element type.
"""
import array
import sys

from .fingerprint import message_fingerprint

ARRAY_FIELDS = ("seqLens", "numNewTokens", "temperature", "topP", "topK",
                "blockTableOffsets", "blockTables", "slotOffsets", "slotMapping")
FLOAT_FIELDS = frozenset(("temperature", "topP"))


def typecode(field):
    """array.array typecode of a field: float32 or int32."""
    return "f" if field in FLOAT_FIELDS else "i"


def little_endian(column, field):
    """The column's bytes as stallbench hashes them: little-endian, packed."""
    if sys.byteorder == "little":
        return memoryview(column).cast("B")
    data = array.array(typecode(field), column)
    data.byteswap()
    return data.tobytes()


def fingerprint(step_id, block_size, req_ids, columns):
    """stallbench's messageFingerprint of the CtxMeta step: equal means the data is the payload, bit for bit."""
    record = {"stepId": step_id, "blockSize": block_size, "reqIds": list(req_ids)}
    for field in ARRAY_FIELDS:
        record[field] = columns[field]
    return message_fingerprint(record)


def boxed_form(step_id, block_size, req_ids, c):
    """Per-request dicts of Python lists: how an engine written in Python holds gen_ctx_meta (the seed's engine)."""
    bt, st = c["blockTableOffsets"], c["slotOffsets"]
    requests = []
    for i, req_id in enumerate(req_ids):
        requests.append({
            "req_id": req_id,
            "seq_len": int(c["seqLens"][i]),
            "num_new_tokens": int(c["numNewTokens"][i]),
            "temperature": float(c["temperature"][i]),
            "top_p": float(c["topP"][i]),
            "top_k": int(c["topK"][i]),
            "block_table": c["blockTables"][bt[i]:bt[i + 1]].tolist(),
            "slot_mapping": c["slotMapping"][st[i]:st[i + 1]].tolist(),
        })
    return {"step_id": step_id, "block_size": block_size, "requests": requests}
