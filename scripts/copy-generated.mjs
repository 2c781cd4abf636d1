// tsc does not copy plain .js sources; the protobufjs static module is one, so the build copies it beside its .d.ts.
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist/codecs/generated', { recursive: true });
copyFileSync('src/codecs/generated/ctx_meta_pb.js', 'dist/codecs/generated/ctx_meta_pb.js');
copyFileSync('src/codecs/generated/ctx_meta_pb.d.ts', 'dist/codecs/generated/ctx_meta_pb.d.ts');
