import type { RawRecord } from './raw-record.js';
import { currentArena } from './wasm-arena.js';
import { wasmModule } from './wasm-module.js';
import { ScanKernel } from './wasm-scan.js';

type Walk = (
  base: number,
  from: number,
  to: number,
  ranges: number,
  cap: number,
  scratch: number,
  key: number,
) => number;

/** Bytes of scratch the walk keeps per open container (kind, context, hiding), for 65 depths. */
const SCRATCH = 4 * 65;

/**
 * walkJson (raw-json.ts) in WebAssembly (json-walk.wat), one per thread over its arena: the record
 * is copied into the scan kernel's room once, walked there, and the kernel then scans the ranges
 * found where they are. Same answers as walkJson, which stays for what does not fit (a record
 * whose values span more than 1 MiB, or with more than 1,024 value ranges) and where WebAssembly
 * cannot be had.
 */
export class JsonWalker {
  private constructor(
    private readonly kernel: ScanKernel,
    private readonly fn: Walk,
    private readonly scratchAt: number,
    private readonly keyAt: number,
    private readonly key: Int32Array,
  ) {}

  /** This thread's walker over its current arena, or undefined (no arena, no kernel, no room). */
  static current(): JsonWalker | undefined {
    const arena = currentArena();
    if (arena === undefined) return undefined;
    if (walkerOf?.kernel.arena === arena) return walkerOf;
    const kernel = ScanKernel.of(arena.id);
    const mod = wasmModule('json-walk');
    if (kernel === undefined || mod === null) return undefined;
    const at = arena.alloc(SCRATCH + 16);
    if (at < 0) return undefined;
    const instance = new WebAssembly.Instance(mod, { env: { mem: arena.memory } });
    const keyAt = at + SCRATCH;
    walkerOf = new JsonWalker(
      kernel,
      instance.exports.walk as Walk,
      at,
      keyAt,
      new Int32Array(arena.buffer, keyAt, 4),
    );
    return walkerOf;
  }

  /**
   * Walks b[from, to) into `rec` as walkJson does; false (rec untouched) when the record is to be
   * walked in JavaScript instead.
   */
  walk(b: Uint8Array, from: number, to: number, rec: RawRecord): boolean {
    const k = this.kernel;
    if (!k.placeRecord(b, from, to)) return false;
    const n = this.fn(k.placedBase, from, to, k.rangesAt, k.ranges.length >> 1, this.scratchAt, this.keyAt);
    if (n === -2) return false;
    rec.reset();
    if (n < 0) {
      rec.ok = false;
      return true;
    }
    rec.ranges = k.ranges;
    rec.count = n;
    const key = this.key;
    const chFrom = key[0]!;
    if (chFrom >= 0) rec.setKey(b, chFrom, key[1]!, key[2]!, key[3]!);
    return true;
  }
}

let walkerOf: JsonWalker | undefined;
