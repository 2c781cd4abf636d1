"""Python codecs of messages of any shape (captured sequences, the empty message): the same four calls as codecs.py.

prepare(wire) -> the form the engine holds (untimed); encode(held) -> frames (timed); decode(frames) -> what the
library returns (timed: decode); to_columnar(decoded) -> the message with numpy arrays where a dtype is declared
(timed: convert).
"""
import pickle

import msgpack
import numpy as np

from .fingerprint import DTYPES
from .message import delta_dtypes, dtypes_for, from_plain, to_plain

# msgpack ext types: 0x10 + the dtype's index holds an array's little-endian bytes; 0x01 refers to a frame by index.
ARRAY_EXT = 0x10
FRAME_EXT = 0x01


def buffer_of(frame):
    """The bytes of a received frame without copying: a zmq.Frame's buffer, or the object itself."""
    return getattr(frame, "buffer", frame)


def _little(array):
    return np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))


class PicklePlain:
    """pickle protocol 5 of the message as plain Python objects (dicts, lists, numbers, strings): arrays as lists."""
    name = "pickle"

    def __init__(self, dtypes):
        self.dtypes, self.deltas = dtypes, delta_dtypes(dtypes)

    def prepare(self, wire):
        return to_plain(wire)

    def encode(self, held):
        return [pickle.dumps(held, protocol=5)]

    def decode(self, frames):
        return pickle.loads(buffer_of(frames[0]))

    def to_columnar(self, plain):
        return from_plain(plain, dtypes_for(plain, self.dtypes, self.deltas))


class Columnar:
    """A codec that decodes to numpy arrays: nothing to convert."""

    def __init__(self, dtypes):
        self.dtypes = dtypes

    def prepare(self, wire):
        return wire

    def to_columnar(self, decoded):
        return decoded


class PickleOutOfBand(Columnar):
    """pickle protocol 5 with numpy arrays out of band (buffer_callback), each array its own frame: vLLM's way."""
    name = "pickle-oob"

    def encode(self, held):
        buffers = []
        main = pickle.dumps(held, protocol=5, buffer_callback=buffers.append)
        return [main, *(b.raw() for b in buffers)]

    def decode(self, frames):
        return pickle.loads(buffer_of(frames[0]), buffers=[buffer_of(f) for f in frames[1:]])


class MsgpackInline(Columnar):
    """One msgpack frame (python3-msgpack), each numpy array inline as an ext of its dtype holding its raw bytes."""
    name = "msgpack"

    @staticmethod
    def _default(value):
        if isinstance(value, np.ndarray) and value.dtype.name in DTYPES:
            return msgpack.ExtType(ARRAY_EXT + DTYPES.index(value.dtype.name), _little(value).tobytes())
        raise TypeError(f"msgpack: cannot pack {type(value).__name__}")

    @staticmethod
    def _ext(code, data):
        if not ARRAY_EXT <= code < ARRAY_EXT + len(DTYPES):
            raise ValueError(f"msgpack: unknown ext type {code}")
        return np.frombuffer(data, dtype=np.dtype(DTYPES[code - ARRAY_EXT]).newbyteorder("<"))

    def encode(self, held):
        return [msgpack.packb(held, default=self._default, use_bin_type=True)]

    def decode(self, frames):
        return msgpack.unpackb(buffer_of(frames[0]), ext_hook=self._ext, raw=False, strict_map_key=True)


class MsgpackFrames(Columnar):
    """A msgpack header in which each numpy array is a reference (dtype, frame) to its own raw frame: msgpack-numpy."""
    name = "msgpack-numpy"

    def encode(self, held):
        arrays = []

        def default(value):
            if isinstance(value, np.ndarray) and value.dtype.name in DTYPES:
                arrays.append(_little(value))
                return msgpack.ExtType(FRAME_EXT, bytes((DTYPES.index(value.dtype.name),)) + (len(arrays) - 1).to_bytes(4, "little"))
            raise TypeError(f"msgpack-numpy: cannot pack {type(value).__name__}")

        header = msgpack.packb(held, default=default, use_bin_type=True)
        return [header, *(memoryview(a) for a in arrays)]

    def decode(self, frames):
        columns = frames[1:]

        def ext(code, data):
            if code != FRAME_EXT or len(data) != 5 or data[0] >= len(DTYPES):
                raise ValueError(f"msgpack-numpy: bad array reference (ext {code}, {len(data)} bytes)")
            index = int.from_bytes(data[1:], "little")
            if index >= len(columns):
                raise ValueError(f"msgpack-numpy: array frame {index} of {len(columns)}")
            return np.frombuffer(buffer_of(columns[index]), dtype=np.dtype(DTYPES[data[0]]).newbyteorder("<"))

        return msgpack.unpackb(buffer_of(frames[0]), ext_hook=ext, raw=False, strict_map_key=True)


class Empty(Columnar):
    """The empty message: no frames, so a step's stall is the harness and the transport (the Python floor)."""
    name = "empty"

    def encode(self, held):
        return []

    def decode(self, frames):
        if len(frames) != 0:
            raise ValueError(f"empty: {len(frames)} frames for a message of none")
        return {}


MESSAGE_CODECS = {c.name: c for c in (PicklePlain, PickleOutOfBand, MsgpackInline, MsgpackFrames)}
