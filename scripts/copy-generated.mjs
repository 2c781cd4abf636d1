// tsc does not copy plain .js sources; the protobufjs static modules are, so the build copies each beside its .d.ts.
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist/codecs/generated', { recursive: true });
for (const name of ['ctx_meta_pb', 'envelope_pb']) {
  copyFileSync(`src/codecs/generated/${name}.js`, `dist/codecs/generated/${name}.js`);
  copyFileSync(`src/codecs/generated/${name}.d.ts`, `dist/codecs/generated/${name}.d.ts`);
}
