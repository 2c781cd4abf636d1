"""Captures the control message an engine broadcasts each step, as JSON Lines that stallbench loads.

Stdlib only, Python >= 3.8; numpy objects are handled when the engine has imported numpy (this module
never imports it itself). In the engine, where it broadcasts:

    from capture import Capture
    capture = Capture("/tmp/scheduler.jsonl", max_bytes=256 << 20, max_steps=10_000)
    ...
    capture.write(scheduler_output)   # each step, on the object it broadcasts
    ...
    capture.close()

Then: loadMessages("/tmp/scheduler.jsonl") in stallbench (dtypes come from the sidecar written beside it).

One JSON line per write; values are converted as follows:
  dataclass            -> record of its fields, in order
  msgspec Struct       -> record of __struct_fields__
  other objects        -> record of public attributes (__dict__ names without a leading '_', or __slots__)
  dict                 -> record, keys as str(key)
  list, tuple          -> list;  set, frozenset -> list, sorted when the items sort
  array.array          -> list of numbers, dtype from the typecode (see mapping)
  numpy ndarray        -> list of numbers, dtype from the array's dtype; with ndim > 1 the value becomes
                          {"shape": [...], "data": [flattened]} and the dtype is declared at <path>/data
  numpy scalar         -> Python number or bool
  bytes, bytearray,
  memoryview           -> list of ints, declared uint8 (as MessagePack bin strings load)
  enum member          -> its value, converted
  bool, None, str      -> themselves;  float NaN/inf -> NaN/Infinity (json.dumps' tokens; the loader reads them)
  int beyond +-2^53    -> float, rounded (warned once): JSON integers beyond 2^53 are refused by the loader
  anything else        -> the string "<unsupported TypeName>" (warned once per type)

Dtype sidecar, <path>.dtypes.json: {generic path: dtype}. Paths are stallbench's: "/key/key", "*" for
every list element, and "~0" "~1" "~2" for "~" "/" and a key that is exactly "*". Mapping:
  int8 uint8 int16 uint16 int32 uint32 float32 float64 -> the same;  bool -> uint8;  float16 -> float32;
  int64, uint64 (typecodes l L q Q of 8 bytes) -> int32 when every value fits int32, else uint32 when every
  value fits uint32, else float64 (exact up to 2^53; beyond it values are rounded, warned once);
  longdouble -> float64;  complex, strings, objects -> no dtype (lists of converted items).
Paths seen in several steps are merged by widening (int8 + uint8 -> int16, int32 + uint32 -> float64,
int16 + float32 -> float32, int32 + float32 -> float64, ...), so one path has one dtype in every step.
Plain Python lists of numbers get no declared dtype: the loader infers int32 or float64 across steps.

Replay: Capture(path, replay=True) also writes each step's object exactly as the engine holds it, pickled
(protocol 5, out-of-band buffers kept), to <path>.replay, so `stallbench --messages <path> --replay` times the
engine's own classes and reducers on the Python ranks. Unpickling a replay file runs the engine's code, as any
pickle does: replay only files you made.

Bounded: writing stops, with one warning on stderr, before a line would take the file past max_bytes or
after max_steps lines. write() never raises into the engine: an unsupported value becomes a placeholder
and any other failure (a full disk) stops the capture with one warning. write() returns whether it wrote.
"""
import array
import dataclasses
import enum
import json
import os
import pickle
import struct
import sys

__all__ = ["Capture"]

TWO_53 = 2 ** 53
REPLAY_SUFFIX = ".replay"
REPLAY_MAGIC = b"stallbench-replay 1\n"


def replay_record(obj):
    """One step of a replay file: the object pickled as the engine would (protocol 5, out-of-band buffers kept apart).
    Layout: u64 pickle length, u32 buffer count, each buffer's u64 length, then the pickle, then the buffers."""
    buffers = []
    main = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    raws = [b.raw() for b in buffers]
    head = struct.pack("<QI", len(main), len(raws)) + b"".join(struct.pack("<Q", r.nbytes) for r in raws)
    return b"".join([head, main, *(bytes(r) for r in raws)])
INT_RANGES = [  # narrowest first
    ("int8", -(2 ** 7), 2 ** 7 - 1),
    ("uint8", 0, 2 ** 8 - 1),
    ("int16", -(2 ** 15), 2 ** 15 - 1),
    ("uint16", 0, 2 ** 16 - 1),
    ("int32", -(2 ** 31), 2 ** 31 - 1),
    ("uint32", 0, 2 ** 32 - 1),
]
RANGE = {name: (low, high) for name, low, high in INT_RANGES}
SMALL_INTS = {"int8", "uint8", "int16", "uint16"}


def widen(a, b):
    """The narrowest loader dtype that holds every value of dtypes a and b."""
    if a == b:
        return a
    if a in RANGE and b in RANGE:
        low = min(RANGE[a][0], RANGE[b][0])
        high = max(RANGE[a][1], RANGE[b][1])
        for name, lo, hi in INT_RANGES:
            if lo <= low and high <= hi:
                return name
        return "float64"
    if {a, b} <= {"float32"} | SMALL_INTS:
        return "float32"
    return "float64"


def escape_key(key):
    if key == "*":
        return "~2"
    return key.replace("~", "~0").replace("/", "~1")


def int_dtype(values, path, capture):
    """Dtype for 64-bit integers: int32 or uint32 when they fit, else float64 (values beyond 2^53 rounded)."""
    low = min(values) if values else 0
    high = max(values) if values else 0
    for name in ("int32", "uint32"):
        lo, hi = RANGE[name]
        if lo <= low and high <= hi:
            return name, values
    if low < -TWO_53 or high > TWO_53:
        capture.warn_once("big-int-array", "%s: 64-bit integers beyond 2^53 written as float64 (rounded)" % path)
        return "float64", [float(v) for v in values]
    return "float64", values


ARRAY_TYPECODES = {"b": "int8", "B": "uint8", "f": "float32", "d": "float64"}


def array_module_dtype(arr, values, path, capture):
    code = arr.typecode
    if code in ARRAY_TYPECODES:
        return ARRAY_TYPECODES[code], values
    signed = code in "hilq"
    if arr.itemsize == 2:
        return ("int16" if signed else "uint16"), values
    if arr.itemsize == 4:
        return ("int32" if signed else "uint32"), values
    return int_dtype(values, path, capture)


def numpy_dtype(dtype, values, path, capture):
    kind, size = dtype.kind, dtype.itemsize
    if kind == "b":
        return "uint8", [int(v) for v in values]
    if kind in "iu":
        if size <= 4:
            return ("int" if kind == "i" else "uint") + str(size * 8), values
        return int_dtype(values, path, capture)
    if kind == "f":
        if size <= 4:
            return "float32", values
        return "float64", [float(v) for v in values] if size > 8 else values
    return None, values


class Converter:
    """The conversion of an engine's object into a stallbench message (the table above), with its warnings."""

    def __init__(self, max_depth=64):
        self.max_depth = int(max_depth)
        self._warned = set()

    def message(self, obj, seen=None):
        """The step's message: a record, with `seen` filled with the dtype of every numeric path it met."""
        seen = {} if seen is None else seen
        value = self._convert(obj, "", 0, seen)
        if isinstance(value, dict):
            return value
        wrapped = {"/value" + path: dtype for path, dtype in seen.items()}
        seen.clear()
        seen.update(wrapped)
        return {"value": value}

    def warn_once(self, key, message):
        if key not in self._warned:
            self._warned.add(key)
            sys.stderr.write("capture: %s\n" % message)

    def _numbers(self, values, dtype, path, seen):
        if dtype is not None:
            seen[path] = widen(seen[path], dtype) if path in seen else dtype
        return values

    def _int(self, value):
        if -TWO_53 <= value <= TWO_53:
            return value
        self.warn_once("big-int", "integers beyond 2^53 written as floats (rounded)")
        return float(value)

    def _convert(self, obj, path, depth, seen):
        if obj is None or isinstance(obj, bool):
            return obj
        if isinstance(obj, enum.Enum):
            return self._convert(obj.value, path, depth, seen)
        if isinstance(obj, str):
            return str(obj)
        if isinstance(obj, int):
            return self._int(int(obj))
        if isinstance(obj, float):
            return float(obj)
        if depth >= self.max_depth:
            self.warn_once("depth", "%s: nested deeper than %d, written as a placeholder" % (path, self.max_depth))
            return "<too deep>"
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            if isinstance(obj, numpy.ndarray):
                return self._ndarray(obj, path, depth, seen)
            if isinstance(obj, numpy.generic):
                return self._convert(obj.item(), path, depth, seen)
        if isinstance(obj, (bytes, bytearray, memoryview)):
            return self._numbers(list(bytes(obj)), "uint8", path, seen)
        if isinstance(obj, array.array):
            if obj.typecode in ("u", "w"):
                return obj.tounicode()
            values = obj.tolist()
            dtype, values = array_module_dtype(obj, values, path, self)
            return self._numbers(values, dtype, path, seen)
        if isinstance(obj, dict):
            return self._record(((str(k), v) for k, v in obj.items()), path, depth, seen)
        if isinstance(obj, (list, tuple)):
            return [self._convert(item, path + "/*", depth + 1, seen) for item in obj]
        if isinstance(obj, (set, frozenset)):
            items = list(obj)
            try:
                items.sort()
            except TypeError:
                pass
            return [self._convert(item, path + "/*", depth + 1, seen) for item in items]
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return self._record(((f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)), path, depth, seen)
        fields = getattr(type(obj), "__struct_fields__", None)
        if isinstance(fields, tuple):
            return self._record(((name, getattr(obj, name)) for name in fields), path, depth, seen)
        if hasattr(obj, "__array__") and numpy is not None:
            return self._ndarray(numpy.asarray(obj), path, depth, seen)
        attributes = getattr(obj, "__dict__", None)
        if isinstance(attributes, dict) and not isinstance(obj, type):
            return self._record(((k, v) for k, v in attributes.items() if not k.startswith("_")), path, depth, seen)
        slots = getattr(type(obj), "__slots__", None)
        if isinstance(slots, (tuple, list)) and not isinstance(obj, type):
            names = [name for name in slots if not name.startswith("_") and hasattr(obj, name)]
            return self._record(((name, getattr(obj, name)) for name in names), path, depth, seen)
        name = type(obj).__name__
        self.warn_once("type:" + name, "%s: unsupported %s, written as a placeholder" % (path or "/", name))
        return "<unsupported %s>" % name

    def _record(self, pairs, path, depth, seen):
        out = {}
        for key, value in pairs:
            out[key] = self._convert(value, path + "/" + escape_key(key), depth + 1, seen)
        return out

    def _ndarray(self, arr, path, depth, seen):
        data_path = path if arr.ndim <= 1 else path + "/data"
        flat = arr.reshape(-1)
        if flat.dtype.kind in "biuf":
            values = flat.tolist()
            dtype, values = numpy_dtype(flat.dtype, values, data_path, self)
            data = self._numbers(values, dtype, data_path, seen)
        else:
            data = [self._convert(item, data_path + "/*", depth + 1, seen) for item in flat.tolist()]
        if arr.ndim <= 1:
            return data
        return {"shape": [int(n) for n in arr.shape], "data": data}


class Capture(Converter):
    """Appends one JSON line per step to `path`, and the dtypes it saw to `path`.dtypes.json; bounded, and never raises into the engine."""

    def __init__(self, path, max_bytes=1 << 30, max_steps=1_000_000, max_depth=64, append=False, replay=False):
        self.path = str(path)
        self.replay_path = self.path + REPLAY_SUFFIX if replay else None
        self.sidecar = self.path + ".dtypes.json"
        self.max_bytes = int(max_bytes)
        self.max_steps = int(max_steps)
        Converter.__init__(self, max_depth)
        self.dtypes = {}
        self.steps = 0
        self.bytes = 0
        self.stopped = False
        if append and os.path.exists(self.path):
            self.bytes = os.path.getsize(self.path)
            with open(self.path, "rb") as existing:
                self.steps = sum(1 for line in existing if line.strip())
            if os.path.exists(self.sidecar):
                with open(self.sidecar, encoding="utf-8") as f:
                    self.dtypes = dict(json.load(f))
        self._file = open(self.path, "ab" if append else "wb")
        self._replay = None
        if self.replay_path is not None:
            fresh = not (append and os.path.exists(self.replay_path))
            self._replay = open(self.replay_path, "wb" if fresh else "ab")
            if fresh:
                self._replay.write(REPLAY_MAGIC)
            else:
                self.bytes += os.path.getsize(self.replay_path)

    # -- public --------------------------------------------------------------

    def write(self, obj):
        """Records one step's message; returns True when a line was written."""
        if self.stopped:
            return False
        try:
            if self.steps >= self.max_steps:
                return self._stop("max_steps %d reached" % self.max_steps)
            seen = {}
            value = self.message(obj, seen)
            line = (json.dumps(value, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")
            record = replay_record(obj) if self._replay is not None else b""
            if self.bytes + len(line) + len(record) > self.max_bytes:
                return self._stop("max_bytes %d reached" % self.max_bytes)
            self._file.write(line)
            self._file.flush()
            if self._replay is not None:
                self._replay.write(record)
                self._replay.flush()
            self.bytes += len(line) + len(record)
            self.steps += 1
            self._merge(seen)
            return True
        except Exception as error:  # the engine must keep running whatever the capture meets
            return self._stop("%s: %s" % (type(error).__name__, error))

    def close(self):
        """Closes the file; later writes do nothing."""
        self.stopped = True
        for f in (self._file, self._replay):
            try:
                if f is not None:
                    f.close()
            except Exception:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- internals -----------------------------------------------------------

    def _stop(self, reason):
        self.warn_once("stop", "stopped after %d steps: %s" % (self.steps, reason))
        self.stopped = True
        return False

    def _merge(self, seen):
        changed = False
        for path, dtype in seen.items():
            merged = widen(self.dtypes[path], dtype) if path in self.dtypes else dtype
            if self.dtypes.get(path) != merged:
                self.dtypes[path] = merged
                changed = True
        if changed:
            tmp = self.sidecar + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(self.dtypes, f, indent=1, sort_keys=True)
            os.replace(tmp, self.sidecar)
