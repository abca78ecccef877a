// V8 flags the whole process runs with, set at start-up by the thread that runs the program (a
// module is evaluated once per thread; the launcher's main thread compiles nothing of the hunt).
// Every flag here is process-wide: it holds for the matching threads started later too.
import { setFlagsFromString } from 'node:v8';
import { clearHeapFloor } from './heap-floor.js';

// Rules may be hostile too: a regular expression that backtracks catastrophically ("(a+)+$" on a
// long run of a's) is moved by V8 to its linear-time engine instead of hanging the hunt. The flag is
// process-wide, so it covers the worker threads, and it must be set before any pattern is compiled.
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
// V8 lets the old generation grow to up to 4x what survived the last full collection before it
// collects again (its factor follows the collector's speed); a hunt's old generation is mostly
// its rules and the chunks in flight, and what grows beyond that is garbage. A fixed 1.3x keeps
// peak memory ~30 MiB lower at two threads for a few percent more collection (docs/performance.md).
// 1.45x was 5-16 % faster over 500 MB at two threads (the program's thread ran 12 full collections
// over 150 MB instead of 20), but 3 MiB higher on average, and one of seven two-thread hunts over
// 1 GB of XML peaked at 257.7 MiB, over the 256 MiB that memory is held to (docs/performance.md).
// Read at every collection, so it holds for the main thread and the worker threads alike.
setFlagsFromString('--heap-growing-percent=30');
// TurboFan inlines callees into a hot function up to 920 bytes of bytecode in all by default. The
// hunt's hot functions are large (the raw walk, the parsers, the rule closures' callers), and each
// thread compiles them again after every deoptimisation of its warm-up: over 150 MB with SigmaHQ's
// rules, 327 optimised compilations took 2.1 s of background CPU per thread. A 300-byte budget
// compiles less and runs no slower: 11-14 % less CPU at one thread and at two (docs/performance.md).
// Read at each compilation, process-wide.
setFlagsFromString('--max-inlined-bytecode-size-cumulative=300');
// How much bytecode a function runs before V8 considers compiling it to optimised code: 4x the
// default (67,584 bytes). The hunt's hot functions meet every shape of record within the first
// chunks; tiering up later, each is compiled once it has seen more of them, and deoptimised and
// compiled again less often: over 500 MB of NDJSON with SigmaHQ's rules at two threads, 4-6 % less
// wall time and CPU, XML within noise and lower peak memory; 2x and 8x gained less
// (docs/performance.md). Read as each function's budget is reset, process-wide.
setFlagsFromString(`--interrupt-budget=${4 * 67584}`);
// The launcher gave this thread's heap a floor (heap-floor.ts) by a flag V8 reads when an isolate is
// created; cleared here, before any matching thread starts, it holds for the program's thread alone.
clearHeapFloor();
