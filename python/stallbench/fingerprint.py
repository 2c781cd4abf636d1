"""stallbench's one canonical message fingerprint and content size, computed the same way as src/message/fingerprint.ts
and src/message/size.ts, so a Python rank verifies any kind of message the TypeScript side sends.

Stdlib only; numpy arrays are taken when numpy is there. A record hashes as tag 6, its key count and each key with its
value, in order; numbers as float64 (every NaN alike, -0 apart from 0); typed arrays as 16 + the dtype's index, their
length and their little-endian bytes.
"""
import array
import hashlib
import math
import struct
import sys

DTYPES = ("int8", "uint8", "int16", "uint16", "int32", "uint32", "float32", "float64")
ARRAY_TYPECODES = {"b": "int8", "B": "uint8", "h": "int16", "H": "uint16", "i": "int32", "I": "uint32", "f": "float32", "d": "float64"}
TWO_53 = 2 ** 53
CANONICAL_NAN = struct.pack("<d", float("nan"))


def _u32(n):
    return struct.pack("<I", n)


def _typed(value, path):
    """The dtype and little-endian bytes of a numeric array, or None for a value that is not one."""
    if isinstance(value, array.array):
        dtype = ARRAY_TYPECODES.get(value.typecode)
        if dtype is None or value.itemsize != {"int8": 1, "uint8": 1, "int16": 2, "uint16": 2}.get(dtype, 4 if dtype != "float64" else 8):
            raise TypeError(f"{path or '(message)'}: array.array of typecode {value.typecode!r} is no stallbench dtype")
        data = value
        if sys.byteorder != "little":
            data = array.array(value.typecode, value)
            data.byteswap()
        return dtype, len(value), data.tobytes()
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        if value.ndim != 1:
            raise ValueError(f"{path or '(message)'}: a {value.ndim}-d array; messages hold 1-d arrays")
        dtype = value.dtype.name
        if dtype not in DTYPES:
            raise TypeError(f"{path or '(message)'}: numpy dtype {dtype} is no stallbench dtype")
        return dtype, len(value), numpy.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<")).tobytes()
    return None


def _string(out, text):
    data = text.encode("utf-8")
    out.append(_u32(len(data)))
    out.append(data)


def _value(out, value, path):
    if value is None:
        out.append(b"\x00")
    elif isinstance(value, bool):
        out.append(b"\x02" if value else b"\x01")
    elif isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) > TWO_53:
            raise ValueError(f"{path or '(message)'}: integer {value} is beyond ±2^53 and has no exact float64")
        number = float(value)
        out.append(b"\x03" + (CANONICAL_NAN if math.isnan(number) else struct.pack("<d", number)))
    elif isinstance(value, str):
        out.append(b"\x04")
        _string(out, value)
    elif isinstance(value, dict):
        _record(out, value, path)
    elif isinstance(value, (list, tuple)):
        out.append(b"\x05" + _u32(len(value)))
        for i, item in enumerate(value):
            _value(out, item, f"{path}/{i}")
    else:
        typed = _typed(value, path)
        if typed is None:
            raise TypeError(f"{path or '(message)'}: {type(value).__name__} is not a message value")
        dtype, length, data = typed
        out.append(bytes((16 + DTYPES.index(dtype),)) + _u32(length))
        out.append(data)


def _record(out, record, path):
    out.append(b"\x06" + _u32(len(record)))
    for key, value in record.items():
        if not isinstance(key, str):
            raise TypeError(f"{path or '(message)'}: key {key!r} is not a string")
        _string(out, key)
        _value(out, value, f"{path}/{key}")


def message_fingerprint(record):
    """SHA-256 (hex) of a message's canonical form: the digest stallbench's messageFingerprint gives the same message."""
    if not isinstance(record, dict):
        raise TypeError("(message): top level is not a record")
    parts = []
    _record(parts, record, "")
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.hexdigest()


def _value_bytes(value):
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if value is None or isinstance(value, (bool, int, float)):
        return 8
    if isinstance(value, dict):
        return message_byte_length(value)
    if isinstance(value, (list, tuple)):
        return sum(_value_bytes(item) for item in value)
    return memoryview(value).nbytes


def message_byte_length(record):
    """Content bytes as stallbench's messageByteLength counts them: keys and strings as UTF-8, 8 per scalar, array bytes."""
    return sum(len(key.encode("utf-8")) + _value_bytes(value) for key, value in record.items())
