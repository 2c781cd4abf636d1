"""The seed's serializers: what goes into ZeroMQ frames and back.

Each codec: prepare(wire) builds the form the engine holds (untimed); encode(held) -> frames (timed on the scheduler);
decode(frames) -> what the library returns (timed: decode); to_columnar(decoded) -> the numpy payload the rank
launches from (timed: convert; nothing to do for codecs that decode to arrays). Received frames are zmq.Frame
objects (recv_multipart(copy=False)) or anything with the buffer protocol.
"""
import pickle
from itertools import chain

import msgpack
import numpy as np

from .columns import INT32, dtype_of, offsets_of
from .message_codecs import MESSAGE_CODECS, Empty, MsgpackInline
from .modules import UserCodeError, is_module_path, load_module_codec
from .payload import ARRAY_FIELDS, boxed_form


def buffer_of(frame):
    """The bytes of a received frame without copying: a zmq.Frame's buffer, or the object itself."""
    return getattr(frame, "buffer", frame)


def arrays_dict(wire):
    """The columnar payload as one dict of numpy arrays (what vLLM-style serializers send)."""
    return {"stepId": wire["stepId"], "blockSize": wire["blockSize"], "reqIds": wire["reqIds"],
            **{f: wire[f] for f in ARRAY_FIELDS}}


class PickleBoxed:
    """pickle protocol 5 of per-request dicts of int lists: the seed's engine, as python/pickle_reference.py builds it."""
    name = "pickle"
    form = "boxed"

    def prepare(self, wire):
        return boxed_form(wire["stepId"], wire["blockSize"], wire["reqIds"], wire)

    def encode(self, held):
        return [pickle.dumps(held, protocol=5)]

    def decode(self, frames):
        return pickle.loads(buffer_of(frames[0]))

    def to_columnar(self, boxed):
        """Lists to arrays: what a rank does before it can launch (torch.tensor(slot_mapping) in the seed)."""
        requests = boxed["requests"]
        batch = len(requests)
        tables = [r["block_table"] for r in requests]
        slots = [r["slot_mapping"] for r in requests]
        table_offsets = offsets_of([len(t) for t in tables])
        slot_offsets = offsets_of([len(s) for s in slots])
        return {
            "stepId": boxed["step_id"],
            "blockSize": boxed["block_size"],
            "reqIds": [r["req_id"] for r in requests],
            "seqLens": np.fromiter((r["seq_len"] for r in requests), dtype=INT32, count=batch),
            "numNewTokens": np.fromiter((r["num_new_tokens"] for r in requests), dtype=INT32, count=batch),
            "temperature": np.fromiter((r["temperature"] for r in requests), dtype=dtype_of("temperature"), count=batch),
            "topP": np.fromiter((r["top_p"] for r in requests), dtype=dtype_of("topP"), count=batch),
            "topK": np.fromiter((r["top_k"] for r in requests), dtype=INT32, count=batch),
            "blockTableOffsets": table_offsets,
            "blockTables": np.fromiter(chain.from_iterable(tables), dtype=INT32, count=int(table_offsets[-1])),
            "slotOffsets": slot_offsets,
            "slotMapping": np.fromiter(chain.from_iterable(slots), dtype=INT32, count=int(slot_offsets[-1])),
        }


class Columnar:
    """A codec of the columnar payload: it decodes to numpy arrays, so there is nothing to convert."""
    form = "columnar"

    def prepare(self, wire):
        return arrays_dict(wire)

    def to_columnar(self, decoded):
        return decoded


class PickleOutOfBand(Columnar):
    """pickle protocol 5 with numpy arrays passed out of band (buffer_callback), each array its own frame: vLLM's way."""
    name = "pickle-oob"

    def encode(self, held):
        buffers = []
        main = pickle.dumps(held, protocol=5, buffer_callback=buffers.append)
        return [main, *(b.raw() for b in buffers)]

    def decode(self, frames):
        # Arrays come back over the received frames' memory: no copy.
        return pickle.loads(buffer_of(frames[0]), buffers=[buffer_of(f) for f in frames[1:]])


class MsgpackNumpy(Columnar):
    """A msgpack header (scalars, request ids, each array's dtype and length) plus one raw frame per array."""
    name = "msgpack-numpy"

    def encode(self, held):
        arrays = [np.ascontiguousarray(held[f]) for f in ARRAY_FIELDS]
        header = msgpack.packb({"stepId": held["stepId"], "blockSize": held["blockSize"], "reqIds": held["reqIds"],
                                "arrays": [[f, a.dtype.str, len(a)] for f, a in zip(ARRAY_FIELDS, arrays)]})
        return [header, *(memoryview(a) for a in arrays)]

    def decode(self, frames):
        header = msgpack.unpackb(buffer_of(frames[0]), raw=False)
        payload = {"stepId": header["stepId"], "blockSize": header["blockSize"], "reqIds": header["reqIds"]}
        for (field, dtype, length), frame in zip(header["arrays"], frames[1:]):
            payload[field] = np.frombuffer(buffer_of(frame), dtype=np.dtype(dtype), count=length)
        if len(payload) != 3 + len(ARRAY_FIELDS):
            raise ValueError(f"msgpack-numpy: {len(frames) - 1} array frames for {len(ARRAY_FIELDS)} fields")
        return payload


CODECS = {c.name: c for c in (PickleBoxed, PickleOutOfBand, MsgpackNumpy)}


def create_codec(name, kind):
    """A codec by name (or a codec module's path) for a kind of message; ValueError naming the known ones otherwise."""
    if is_module_path(name):
        codec = load_module_codec(name)
        # Rows are named by the codec's own name: one that takes a built-in's would pass for it.
        if codec.name in CODECS or codec.name in MESSAGE_CODECS:
            raise UserCodeError(name, "create", f"its codec is named '{codec.name}', which is a built-in's; give it a name of its own")
        return codec
    if kind["kind"] == "empty":
        if name != "empty":
            raise ValueError(f"the empty message takes the empty codec, not '{name}'")
        return Empty(None)
    if kind["kind"] == "message":
        factory = MESSAGE_CODECS.get(name)
        if factory is None:
            raise ValueError(f"unknown Python codec '{name}' for captured messages; known: {', '.join(MESSAGE_CODECS)}")
        return factory(kind["dtypes"])
    if name == "msgpack":
        # The CtxMeta step is a message too: its arrays go inline, as for any other kind.
        return MsgpackInline(None)
    factory = CODECS.get(name)
    if factory is None:
        raise ValueError(f"unknown Python codec '{name}'; known: {', '.join([*CODECS, 'msgpack'])}")
    return factory()
