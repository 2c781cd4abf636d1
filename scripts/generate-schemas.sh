#!/usr/bin/env bash
# Regenerates the committed FlatBuffers and protobuf code from schemas/; needs flatc (Debian: flatbuffers-compiler).
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/codecs/generated
mkdir -p "$out"
flatc --ts --ts-flat-files -o "$out" schemas/ctx_meta.fbs
npx pbjs -t static-module -w es6 --no-create --no-verify --no-convert --no-delimited -o "$out/ctx_meta_pb.js" schemas/ctx_meta.proto
npx pbts -o "$out/ctx_meta_pb.d.ts" "$out/ctx_meta_pb.js"
