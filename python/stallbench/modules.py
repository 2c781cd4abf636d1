"""A Python codec of the user's own: a file whose create() returns an object with name, encode and decode.

encode(message) -> list of buffers and decode(frames) -> message are required; prepare(wire) (untimed: the form the
engine holds) and to_columnar(decoded) (timed as convert) are optional. The message is the step as Python data:
dicts, lists, numbers and strings, with numpy arrays where a dtype is declared. Every call the module makes fails as a
UserCodeError naming the module and the call, which stallbench reports in one line.
"""
import hashlib
import importlib.util
import os


class UserCodeError(Exception):
    """The user's code failed: a codec module in one of its calls (load, create, prepare, encode, decode, to_columnar),
    or a replay file (replay)."""

    def __init__(self, codec, call, error):
        self.codec, self.call = codec, call
        reason = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error)
        super().__init__(reason.splitlines()[0] if reason else type(error).__name__)


def is_module_path(name):
    return name.endswith(".py") or os.sep in name


def _identity(value):
    return value


class ModuleCodec:
    """The user's codec behind the calls stallbench makes, each turning a failure into a UserCodeError."""
    user = True

    def __init__(self, path, codec):
        self.path, self.codec = path, codec
        self.name = str(getattr(codec, "name", os.path.basename(path)))
        self._prepare = getattr(codec, "prepare", _identity)
        self._to_columnar = getattr(codec, "to_columnar", _identity)

    def _call(self, call, function, value):
        try:
            return function(value)
        except Exception as e:  # noqa: BLE001 - the user's code: named, never a traceback
            raise UserCodeError(self.path, call, e) from None

    def prepare(self, wire):
        return self._call("prepare", self._prepare, wire)

    def encode(self, held):
        frames = self._call("encode", self.codec.encode, held)
        if not isinstance(frames, (list, tuple)):
            raise UserCodeError(self.path, "encode", f"returned {type(frames).__name__}, not a list of buffers")
        for i, frame in enumerate(frames):
            try:
                memoryview(frame)
            except TypeError:
                raise UserCodeError(self.path, "encode", f"frame {i} is {type(frame).__name__}, which has no buffer") from None
        return list(frames)

    def decode(self, frames):
        return self._call("decode", self.codec.decode, frames)

    def to_columnar(self, decoded):
        return self._call("to_columnar", self._to_columnar, decoded)


def load_module_codec(path):
    """Imports the file at `path` (each process its own copy) and builds its codec with create()."""
    name = "stallbench_codec_" + hashlib.sha1(path.encode()).hexdigest()[:12]
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"{path} is not a Python file")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except BaseException as e:  # noqa: BLE001 - SyntaxError, ImportError, SystemExit from the user's module
        raise UserCodeError(path, "load", e) from None
    create = getattr(module, "create", None)
    if not callable(create):
        raise UserCodeError(path, "create", "the module defines no create() factory")
    try:
        codec = create()
    except Exception as e:  # noqa: BLE001
        raise UserCodeError(path, "create", e) from None
    for call in ("encode", "decode"):
        if not callable(getattr(codec, call, None)):
            raise UserCodeError(path, "create", f"create() returned {type(codec).__name__}, which has no {call}()")
    return ModuleCodec(path, codec)
