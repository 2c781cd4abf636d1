"""Reads stallbench msgpack and CBOR frames with Python's own libraries and compares them with the expected payload."""
import array
import json
import sys

import cbor2
import msgpack

ARRAY_FIELDS = ["seqLens", "numNewTokens", "temperature", "topP", "topK",
                "blockTableOffsets", "blockTables", "slotOffsets", "slotMapping"]
FLOAT_FIELDS = {"temperature", "topP"}
CBOR_TAGS = {"int32": 78, "float32": 85}  # RFC 8746, little-endian
MSGPACK_KINDS = {"int32": 5, "float32": 7}  # msgpackr's typed-array ext 0x74: kind byte, then little-endian bytes


def values(field, raw):
    return array.array("f" if field in FLOAT_FIELDS else "i", raw).tolist()


def check(codec, decoded, expected, raw_of):
    for key in ("stepId", "blockSize", "reqIds"):
        if decoded[key] != expected[key]:
            sys.exit(f"{codec}: {key} differs")
    for field in ARRAY_FIELDS:
        if values(field, raw_of(field, decoded[field])) != expected[field]:
            sys.exit(f"{codec}: {field} differs")


def cbor_raw(field, tagged):
    want = CBOR_TAGS["float32" if field in FLOAT_FIELDS else "int32"]
    if not isinstance(tagged, cbor2.CBORTag) or tagged.tag != want:
        sys.exit(f"cbor: {field} is not RFC 8746 tag {want}")
    return tagged.value


def msgpack_raw(field, ext):
    want = MSGPACK_KINDS["float32" if field in FLOAT_FIELDS else "int32"]
    if not isinstance(ext, msgpack.ExtType) or ext.code != 0x74 or ext.data[0] != want:
        sys.exit(f"msgpack: {field} is not ext 0x74 of kind {want}")
    return ext.data[1:]


def main():
    folder = sys.argv[1]
    with open(f"{folder}/expected.json", encoding="utf-8") as f:
        expected = json.load(f)
    with open(f"{folder}/msgpack.bin", "rb") as f:
        check("msgpack", msgpack.unpackb(f.read(), raw=False), expected, msgpack_raw)
    with open(f"{folder}/cbor.bin", "rb") as f:
        check("cbor", cbor2.loads(f.read()), expected, cbor_raw)
    print("ok")


main()
