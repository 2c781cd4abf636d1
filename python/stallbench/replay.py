"""Replay of an engine's own objects: the file Capture(path, replay=True) writes beside its JSON Lines, read back and
pickled by the Python ranks exactly as the engine pickles them (its classes, reducers and out-of-band buffers).

Unpickling a replay file runs the engine's code, as any pickle does: stallbench reads only the file it is given.
"""
import os
import pickle
import struct
import sys

from .message import first_difference, from_plain
from .message_codecs import PickleOutOfBand, buffer_of
from .modules import UserCodeError

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from capture import REPLAY_MAGIC, Converter  # noqa: E402

_loaded = {}


def read_replay(path):
    """Every step's object, in order; a replay file that is cut short or cannot be unpickled is a UserCodeError (replay)."""
    if path in _loaded:
        return _loaded[path]
    try:
        with open(path, "rb") as f:
            data = memoryview(f.read())
    except OSError as e:
        raise UserCodeError(path, "replay", e) from None
    if bytes(data[:len(REPLAY_MAGIC)]) != REPLAY_MAGIC:
        raise UserCodeError(path, "replay", "not a stallbench replay file (Capture(..., replay=True) writes one)")
    objects, at = [], len(REPLAY_MAGIC)
    while at < len(data):
        step = len(objects)
        try:
            size, count = struct.unpack_from("<QI", data, at)
            lengths = struct.unpack_from(f"<{count}Q", data, at + 12)
            at += 12 + 8 * count
            end = at + size + sum(lengths)
            if end > len(data):
                raise ValueError("cut short")
            main = data[at:at + size]
            at += size
            buffers = []
            for length in lengths:
                # Writable copies, as the engine's own arrays are.
                buffers.append(bytearray(data[at:at + length]))
                at += length
            objects.append(pickle.loads(main, buffers=buffers))
        except Exception as e:  # noqa: BLE001 - the engine's classes missing, or a damaged file
            hint = "; --python-path DIR says where the engine's classes import from" if isinstance(e, ImportError) else ""
            raise UserCodeError(path, "replay", f"step {step} does not unpickle: {type(e).__name__}: {e}{hint}") from None
    _loaded[path] = objects
    return objects


class ReplayPickle:
    """pickle protocol 5 of the engine's object as the engine holds it, buffers in band."""
    name = "pickle"

    def prepare(self, obj):
        return obj

    def encode(self, held):
        return [pickle.dumps(held, protocol=5)]

    def decode(self, frames):
        return pickle.loads(buffer_of(frames[0]))

    def to_columnar(self, decoded):
        # The engine's worker launches from its own object: nothing to convert.
        return decoded


class ReplayPickleOutOfBand(PickleOutOfBand):
    """pickle protocol 5 of the engine's object with its out-of-band buffers as frames of their own: vLLM's way."""


REPLAY_CODECS = {"pickle": ReplayPickle, "pickle-oob": ReplayPickleOutOfBand}


def create_replay_codec(name):
    factory = REPLAY_CODECS.get(name)
    if factory is None:
        raise ValueError(f"'{name}' cannot carry the engine's own objects; a replay runs {', '.join(REPLAY_CODECS)}")
    return factory(None) if factory is ReplayPickleOutOfBand else factory()


def as_message(obj, dtypes):
    """The engine's object as its JSON line holds it: capture.py's conversion, then numpy arrays where a dtype is declared."""
    return from_plain(Converter().message(obj), dtypes)


def replay_mismatch(obj, line, dtypes, step):
    """Why a replayed object does not agree with its JSON line (step and path), or None."""
    difference = first_difference(line, as_message(obj, dtypes))
    return None if difference is None else f"replay step {step} does not agree with its JSON line: {difference}"
