// Assembles the WebAssembly kernels (src/engine/*.wat) into dist/engine/*.wasm, after `tsc`: the
// text format is the source kept in the repository, and wabt (the WebAssembly Binary Toolkit, as a
// development dependency) turns it into the binary that engine/wasm-scan.ts loads. The modules and
// the bundles both find it at ../engine/ from their own folder.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import wabtInit from 'wabt';

const src = 'src/engine';
const out = 'dist/engine';
const wabt = await wabtInit();
mkdirSync(out, { recursive: true });
for (const name of readdirSync(src).filter((f) => f.endsWith('.wat'))) {
  const text = readFileSync(path.join(src, name), 'utf8');
  const mod = wabt.parseWat(name, text, { threads: true });
  mod.validate({ threads: true });
  const { buffer } = mod.toBinary({});
  writeFileSync(path.join(out, name.replace(/\.wat$/, '.wasm')), buffer);
  mod.destroy();
}
