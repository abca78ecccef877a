/**
 * JSON exports that are not one object a line: pretty-printed objects one after another
 * (`ConvertTo-Json`, `jq .`), a JSON array of them, and evtx_dump's `-o json` (a `Record N` line
 * before each pretty object). The reader rewrites such input in place, byte for byte, into lines of
 * one object each, so the NDJSON framer and parser read it unchanged and every byte keeps its
 * offset: line breaks inside an object become spaces, and the array's `[`, `,` and `]` between
 * objects become a space and line breaks. Records are then named by byte offset, not by line.
 */

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Whether the object that opens at `b[i]` (a `{`) has a line break inside it, outside its strings:
 * true for a pretty-printed object, false for one that closes on its line, undefined when `b` ends
 * before either is known.
 */
export function objectSpansLines(b: Uint8Array, i: number, end = b.length): boolean | undefined {
  let depth = 0;
  let inString = false;
  for (let k = i; k < end; k++) {
    const c = b[k]!;
    if (inString) {
      if (c === BACKSLASH) k++;
      else if (c === QUOTE) inString = false;
      else if (c === LF) return false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return false;
    } else if (c === LF) return true;
  }
  return undefined;
}

/**
 * The rewriting, fed the file's bytes in order (in pieces: it keeps its place between calls). It
 * tracks object depth and strings only; whatever is not JSON is left for the parser to report.
 */
export class JsonFlattener {
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Rewrites b[from..to) in place. */
  rewrite(b: Uint8Array, from = 0, to = b.length): void {
    let { depth, inString, escaped } = this;
    for (let k = from; k < to; k++) {
      const c = b[k]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        else if (c === LF) {
          // A raw line break cannot be inside a JSON string: the record is broken. Start afresh
          // here, so one bad record cannot swallow the rest of the file.
          inString = false;
          depth = 0;
        }
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE) depth++;
      else if (c === CLOSE_BRACE) depth = Math.max(0, depth - 1);
      else if (depth === 0) {
        // Between objects: the array that holds them is taken apart.
        if (c === OPEN_BRACKET) b[k] = SPACE;
        else if (c === COMMA || c === CLOSE_BRACKET) b[k] = LF;
      } else if (c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACKET) depth = Math.max(0, depth - 1);
      else if (c === LF || c === CR) b[k] = SPACE;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
  }
}
