"""Messages of any shape on the Python side, as src/message/ defines them: the handoff from stallbench, the plain form
pickle carries, the generic delta a rank applies, and the first difference between two messages.

A message is a dict of None, bools, numbers, strings, lists, dicts and 1-d numpy arrays (the numeric paths a
sequence declares a dtype for). Paths are stallbench's (src/message/paths.ts): `/key/*/key`, keys escaped as in
RFC 6901 and a key that is exactly `*` written `~2`.
"""
import math

import numpy as np

from .fingerprint import DTYPES

# Kind bytes of the envelope (src/codecs/envelope.ts KIND).
NULL, FALSE, TRUE, NUMBER, STRING, ARRAY, LIST, RECORD = range(8)
MAX_DEPTH = 64
TWO_53 = 2 ** 53


def escape_key(key):
    if key == "*":
        return "~2"
    return key.replace("~", "~0").replace("/", "~1")


def key_path(parent, key):
    return f"{parent}/{escape_key(key)}"


def item_path(parent):
    return f"{parent}/*"


def python_number(x):
    """A float64 from stallbench as Python holds it: an int when it is one (JavaScript has no other), else the float."""
    if x.is_integer() and abs(x) <= TWO_53 and math.copysign(1.0, x) > 0:
        return int(x)
    return x


def unflatten(header, numbers, columns):
    """The message stallbench flattened (flattenMessage): kinds, counts, keys, strings in the header; the numbers as one
    float64 buffer; one numpy array per column, in pre-order."""
    kinds, counts, keys, strings = header["kinds"], header["counts"], header["keys"], header["strings"]
    numbers = np.frombuffer(numbers, dtype="<f8").tolist()
    at = {"k": 1, "c": 0, "key": 0, "n": 0, "s": 0, "col": 0}

    def value(depth):
        kind = kinds[at["k"]]
        at["k"] += 1
        if kind == NULL:
            return None
        if kind in (FALSE, TRUE):
            return kind == TRUE
        if kind == NUMBER:
            at["n"] += 1
            return python_number(numbers[at["n"] - 1])
        if kind == STRING:
            at["s"] += 1
            return strings[at["s"] - 1]
        if kind == ARRAY:
            at["col"] += 1
            return columns[at["col"] - 1]
        if depth >= MAX_DEPTH:
            raise ValueError(f"message nested deeper than {MAX_DEPTH}")
        count = counts[at["c"]]
        at["c"] += 1
        if kind == LIST:
            return [value(depth + 1) for _ in range(count)]
        if kind == RECORD:
            return record(count, depth)
        raise ValueError(f"unknown kind {kind} in the handoff")

    def record(count, depth):
        out = {}
        for _ in range(count):
            key = keys[at["key"]]
            at["key"] += 1
            out[key] = value(depth + 1)
        return out

    if len(kinds) == 0 or kinds[0] != RECORD:
        raise ValueError("the handoff holds no record")
    at["c"] = 1
    message = record(counts[0], 1)
    if (at["k"], at["n"], at["s"], at["col"]) != (len(kinds), len(numbers), len(strings), len(columns)):
        raise ValueError("the handoff has values its structure does not use")
    return message


def column_of(code, buffer):
    """A column of the handoff: its envelope dtype code (1 = int8 … 8 = float64) over the frame's bytes, no copy."""
    if not 1 <= code <= len(DTYPES):
        raise ValueError(f"unknown dtype code {code}")
    return np.frombuffer(buffer, dtype=np.dtype(DTYPES[code - 1]).newbyteorder("<"))


def to_plain(value):
    """The message with every numpy array as a list of Python numbers: how an engine in Python holds it without numpy."""
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def from_plain(value, dtypes, path=""):
    """Lists at the paths with a dtype as numpy arrays of it: what a rank does before it can launch (timed: convert)."""
    dtype = dtypes.get(path)
    if dtype is not None and isinstance(value, list):
        return np.array(value, dtype=dtype)
    if isinstance(value, dict):
        return {key: from_plain(item, dtypes, key_path(path, key)) for key, item in value.items()}
    if isinstance(value, list):
        inner = item_path(path)
        return [from_plain(item, dtypes, inner) for item in value]
    return value


def delta_dtypes(dtypes):
    """Dtypes of a delta's numeric paths given the messages' own (src/message/delta.ts messageDeltaDtypes)."""
    out = {}
    for path, dtype in dtypes.items():
        out[f"/full{path}"] = dtype
        segments = path.split("/")[1:]
        keys = segments.index("*") if "*" in segments else len(segments)
        for j in range(keys):
            into = "".join(f"/nested/{key}" for key in segments[:j])
            out[f"/changes{into}/set/{'/'.join(segments[j:])}"] = dtype
        if "*" not in segments and keys > 0:
            into = "".join(f"/nested/{key}" for key in segments[:-1])
            out[f"/changes{into}/append/{segments[keys - 1]}"] = dtype
    return out


def dtypes_for(message, dtypes, deltas):
    """The dtypes that apply to a message on the wire: a delta's (it has `full` or `changes`) or the messages' own."""
    return deltas if "full" in message or "changes" in message else dtypes


class _Growable:
    """A numpy array with spare capacity at the end, so appends cost what they add (doubling on overflow)."""

    def __init__(self, array):
        self.buffer = np.array(array, copy=True)
        self.length = len(array)

    def append(self, tail):
        needed = self.length + len(tail)
        if needed > len(self.buffer):
            grown = np.empty(max(needed, 2 * len(self.buffer), 16), dtype=self.buffer.dtype)
            grown[:self.length] = self.buffer[:self.length]
            self.buffer = grown
        self.buffer[self.length:needed] = tail
        self.length = needed
        return self.buffer[:needed]


def _copy(value):
    """A deep copy: decoded arrays may be views into frames the next step reuses."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True)
    return value


class _StateRecord:
    def __init__(self, record):
        self.view, self.arrays, self.records = {}, {}, {}
        for key, value in record.items():
            self.set(key, value)

    def set(self, key, value):
        self.arrays.pop(key, None)
        self.records.pop(key, None)
        if isinstance(value, dict):
            child = self.records[key] = _StateRecord(value)
            self.view[key] = child.view
        elif isinstance(value, np.ndarray):
            growable = self.arrays[key] = _Growable(value)
            self.view[key] = growable.buffer[:growable.length]
        else:
            self.view[key] = _copy(value)

    def apply(self, changes, step):
        if not isinstance(changes, dict):
            raise ValueError(f"step {step}: changes is not a record")
        for key in changes.get("removed", []):
            self.view.pop(key, None)
            self.arrays.pop(key, None)
            self.records.pop(key, None)
        for key, value in changes.get("set", {}).items():
            self.set(key, value)
        for key, tail in changes.get("append", {}).items():
            growable = self.arrays.get(key)
            if growable is None or not isinstance(tail, np.ndarray) or tail.dtype != growable.buffer.dtype:
                raise ValueError(f"step {step}: append to {key}, which is not an array of that dtype in the state")
            self.view[key] = growable.append(tail)
        for key, inner in changes.get("nested", {}).items():
            child = self.records.get(key)
            if child is None:
                raise ValueError(f"step {step}: nested changes for {key}, which is not a record in the state")
            child.apply(inner, step)


class MessageDeltaState:
    """A rank's side of the generic delta (src/message/delta-state.ts): holds the last message and rebuilds each step's
    from its delta, in place; a failed delta leaves no state until the next keyframe, rather than a wrong one."""

    def __init__(self):
        self.root, self.step = None, None

    def apply(self, delta):
        step = delta.get("step")
        if not isinstance(step, int) or step < 0:
            raise ValueError("delta carries no step")
        if "full" in delta:
            self.root, self.step = _StateRecord(delta["full"]), step
            return self.root.view
        if self.root is None or step != self.step + 1:
            raise ValueError(f"delta for step {step} does not follow the state (step {self.step})")
        root, self.root, self.step = self.root, None, None
        root.apply(delta.get("changes"), step)
        self.root, self.step = root, step
        return root.view


class MessageRankSide:
    """A rank's side of `full` (the message as sent) or the generic `delta` (rebuilt here, timed as derive)."""

    def __init__(self, strategy):
        if strategy not in ("full", "delta"):
            raise ValueError(f"'{strategy}' applies to CtxMeta only; captured messages take full or delta")
        self.strategy = strategy
        self.state = MessageDeltaState()

    def reset(self):
        self.state = MessageDeltaState()

    def apply(self, wire):
        return wire if self.strategy == "full" else self.state.apply(wire)


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"a {value.dtype.name} array"
    if isinstance(value, dict):
        return "a record"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _same_number(a, b):
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1.0, a) == math.copysign(1.0, b))


def first_difference(expected, actual, path=""):
    """Where two messages first differ, as `path: expected vs actual` (src/message/equal.ts diffMessages); None if equal."""
    where = path or "(message)"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: a record vs {_describe(actual)}"
        if list(expected) != list(actual):
            return f"{where}: keys {list(expected)} vs {list(actual)}"
        for key, value in expected.items():
            found = first_difference(value, actual[key], key_path(path, key))
            if found is not None:
                return found
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray) or actual.dtype.name != expected.dtype.name:
            return f"{where}: {_describe(expected)} vs {_describe(actual)}"
        if len(actual) != len(expected):
            return f"{where}.length: {len(expected)} vs {len(actual)}"
        if len(expected) == 0:
            return None
        a = np.ascontiguousarray(expected).view(np.uint8).reshape(len(expected), -1)
        b = np.ascontiguousarray(actual).view(np.uint8).reshape(len(actual), -1)
        # Bits, not values, as the fingerprint hashes an array: -0 differs from 0.
        rows = np.flatnonzero((a != b).any(axis=1))
        if len(rows) == 0:
            return None
        index = int(rows[0])
        return f"{where}[{index}]: {expected[index]} vs {actual[index]}"
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{where}: a list vs {_describe(actual)}"
        if len(actual) != len(expected):
            return f"{where}.length: {len(expected)} vs {len(actual)}"
        for i, (a, b) in enumerate(zip(expected, actual)):
            found = first_difference(a, b, f"{path}/{i}")
            if found is not None:
                return found
        return None
    numbers = (int, float)
    if isinstance(expected, numbers) and not isinstance(expected, bool):
        if isinstance(actual, numbers) and not isinstance(actual, bool) and _same_number(float(expected), float(actual)):
            return None
        return f"{where}: {expected!r} vs {_describe(actual)}"
    if type(expected) is not type(actual) or expected != actual:
        return f"{where}: {expected!r} vs {_describe(actual)}"
    return None
