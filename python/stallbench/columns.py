"""Columnar payloads in numpy: a dict shaped like stallbench's CtxMeta (stepId, blockSize, reqIds, int32/float32 arrays).

Slot derivation mirrors src/payload/slots.ts: slot = block * blockSize + position % blockSize.
"""
import numpy as np

from .fingerprint import message_byte_length, message_fingerprint
from .payload import ARRAY_FIELDS, FLOAT_FIELDS

INT32 = np.dtype("<i4")
FLOAT32 = np.dtype("<f4")


def dtype_of(field):
    """The wire dtype of a field (little-endian, as stallbench sends it)."""
    return FLOAT32 if field in FLOAT_FIELDS else INT32


def from_buffers(step_id, block_size, req_ids, buffers):
    """A payload over raw little-endian buffers in ARRAY_FIELDS order, without copying them."""
    payload = {"stepId": step_id, "blockSize": block_size, "reqIds": list(req_ids)}
    for field, buffer in zip(ARRAY_FIELDS, buffers):
        payload[field] = np.frombuffer(buffer, dtype=dtype_of(field))
    return payload


def offsets_of(counts):
    """CSR offsets (batch + 1, int32) of per-request counts."""
    offsets = np.zeros(len(counts) + 1, dtype=INT32)
    np.cumsum(counts, out=offsets[1:])
    return offsets


def ranges(starts, counts, offsets):
    """Concatenated ranges [start, start + count) of every request, laid out at `offsets`."""
    total = int(offsets[-1])
    return np.arange(total, dtype=np.int64) + np.repeat(np.asarray(starts, dtype=np.int64) - offsets[:-1], counts)


def slots_of(payload, coverage):
    """The payload with slotMapping derived from its block tables: 'full' context, 'new' tokens only, or 'none'."""
    seq_lens = payload["seqLens"]
    if coverage == "full":
        counts = seq_lens
    elif coverage == "new":
        counts = payload["numNewTokens"]
    else:
        counts = np.zeros(len(seq_lens), dtype=INT32)
    offsets = offsets_of(counts)
    size = payload["blockSize"]
    positions = ranges(seq_lens - counts, counts, offsets)
    table_starts = np.repeat(payload["blockTableOffsets"][:-1].astype(np.int64), counts)
    blocks = payload["blockTables"][table_starts + positions // size].astype(np.int64)
    # Wraps past int32 exactly as an Int32Array store does.
    slots = (blocks * size + positions % size).astype(INT32)
    return {**payload, "slotOffsets": offsets, "slotMapping": slots}


def byte_length(payload):
    """Content bytes of a payload, as stallbench's messageByteLength counts them."""
    return message_byte_length(canonical(payload))


def canonical(payload):
    """The CtxMeta step as a record in TypeScript's key order: stepId, blockSize, reqIds, then the arrays."""
    record = {"stepId": payload["stepId"], "blockSize": payload["blockSize"], "reqIds": list(payload["reqIds"])}
    for field in ARRAY_FIELDS:
        record[field] = np.ascontiguousarray(payload[field], dtype=dtype_of(field))
    return record


def fingerprint_of(payload):
    """stallbench's fingerprint of a columnar payload."""
    return message_fingerprint(canonical(payload))
