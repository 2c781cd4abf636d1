#!/usr/bin/env bash
# Regenerates the committed FlatBuffers and protobuf code from schemas/; needs flatc (Debian: flatbuffers-compiler).
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/codecs/generated
mkdir -p "$out"
pbjs() { npx pbjs -t static-module -w es6 --no-create --no-verify --no-convert --no-delimited "$@"; }
flatc --ts --ts-flat-files -o "$out" schemas/ctx_meta.fbs
pbjs -o "$out/ctx_meta_pb.js" schemas/ctx_meta.proto
npx pbts -o "$out/ctx_meta_pb.d.ts" "$out/ctx_meta_pb.js"
# The generic message envelope. Its own pbjs root: static modules share the default root, where its
# 'stallbench' namespace would replace ctx_meta's.
flatc --ts --ts-flat-files -o "$out" schemas/envelope.fbs
pbjs -r envelope -o "$out/envelope_pb.js" schemas/envelope.proto
npx pbts -o "$out/envelope_pb.d.ts" "$out/envelope_pb.js"
