"""Reads stallbench message frames with Python's msgpack (ExtType 116 typed arrays) and checks them against JSON.

Usage: read_message.py FOLDER -- FOLDER holds msgpack.bin (one frame) and expected.json ({"value": boxed message,
"dtypes": {concrete path: dtype}}). Prints 'ok' or the first difference.
"""
import json
import math
import struct
import sys

import msgpack

EXT_TYPED_ARRAY = 0x74
KINDS = {0: ("b", "int8"), 1: ("B", "uint8"), 3: ("h", "int16"), 4: ("H", "uint16"),
         5: ("i", "int32"), 6: ("I", "uint32"), 7: ("f", "float32"), 8: ("d", "float64")}


class Typed:
    def __init__(self, dtype, values):
        self.dtype, self.values = dtype, values


def ext_hook(code, data):
    if code != EXT_TYPED_ARRAY:
        return msgpack.ExtType(code, data)
    char, dtype = KINDS[data[0]]
    size = struct.calcsize("<" + char)
    return Typed(dtype, list(struct.unpack("<%d%s" % ((len(data) - 1) // size, char), data[1:])))


def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, float) or isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


def compare(got, want, dtypes, path):
    if isinstance(got, Typed):
        if dtypes.get(path) != got.dtype:
            return "%s: dtype %s, expected %s" % (path, got.dtype, dtypes.get(path))
        got = got.values
    if isinstance(want, dict):
        if not isinstance(got, dict) or list(got) != list(want):
            return "%s: keys %r vs %r" % (path, got, list(want))
        for key in want:
            problem = compare(got[key], want[key], dtypes, path + "/" + key)
            if problem:
                return problem
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return "%s: %r vs %r" % (path, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            problem = compare(g, w, dtypes, "%s/%d" % (path, i))
            if problem:
                return problem
        return None
    return None if same(got, want) else "%s: %r vs %r" % (path, got, want)


def main(folder):
    with open(folder + "/expected.json") as f:
        expected = json.load(f)
    with open(folder + "/msgpack.bin", "rb") as f:
        got = msgpack.unpackb(f.read(), ext_hook=ext_hook, raw=False, strict_map_key=False)
    problem = compare(got, expected["value"], expected["dtypes"], "")
    print(problem or "ok")


if __name__ == "__main__":
    main(sys.argv[1])
