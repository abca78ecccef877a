import { readFileSync } from 'node:fs';

const modules = new Map<string, WebAssembly.Module | null>();

/**
 * The WebAssembly module `name`.wasm as the build assembled it from src/engine/`name`.wat
 * (scripts/wasm.mjs), compiled once per thread; null when it cannot be loaded or compiled (then the
 * JavaScript code it stands for runs instead).
 */
export function wasmModule(name: string): WebAssembly.Module | null {
  let mod = modules.get(name);
  if (mod !== undefined) return mod;
  mod = null;
  // From dist/engine/ and from dist/bundle/ alike; from src/engine/ (tests), the build's.
  for (const at of [`../engine/${name}.wasm`, `../../dist/engine/${name}.wasm`]) {
    try {
      mod = new WebAssembly.Module(readFileSync(new URL(at, import.meta.url)));
      break;
    } catch {
      // not there (or not valid here): the next place, or the JavaScript code
    }
  }
  modules.set(name, mod);
  return mod;
}
