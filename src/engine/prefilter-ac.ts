/**
 * Aho–Corasick automaton over lower-cased literals, compiled to a dense DFA: the characters that
 * occur in some literal get a class number, every other character is class 0, and each state
 * has one transition per class in a flat Int32Array. A scan is one table lookup per character.
 */
export class AhoCorasick {
  private readonly classOf = new Map<number, number>();
  /** Class of each code unit below 128 (the common case), 0 for characters in no literal. */
  private readonly ascii = new Uint16Array(128);
  private readonly width: number;
  private readonly delta: Int32Array;
  private readonly out: number[][];

  constructor(literals: string[]) {
    for (const lit of literals) {
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (!this.classOf.has(c)) {
          this.classOf.set(c, this.classOf.size + 1);
          if (c < 128) this.ascii[c] = this.classOf.size;
        }
      }
    }
    const width = this.classOf.size + 1;
    this.width = width;
    // Trie with sparse children first.
    const children: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    literals.forEach((lit, id) => {
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const k = this.classOf.get(lit.charCodeAt(i))!;
        let n = children[s]!.get(k);
        if (n === undefined) {
          n = children.length;
          children.push(new Map());
          out.push([]);
          children[s]!.set(k, n);
        }
        s = n;
      }
      out[s]!.push(id);
    });
    const delta = new Int32Array(children.length * width);
    const fail = new Int32Array(children.length);
    const queue: number[] = [];
    for (const [k, n] of children[0]!) {
      delta[k] = n;
      queue.push(n);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      for (let k = 0; k < width; k++) {
        const n = children[s]!.get(k);
        if (n === undefined) delta[s * width + k] = delta[f * width + k]!;
        else {
          delta[s * width + k] = n;
          fail[n] = delta[f * width + k]!;
          const inherited = out[fail[n]!]!;
          if (inherited.length) out[n] = [...out[n]!, ...inherited];
          queue.push(n);
        }
      }
    }
    this.delta = delta;
    this.out = out;
  }

  /** Calls `found(id)` for each literal occurrence in `text` (an id may be reported more than once). */
  scan(text: string, found: (id: number) => void): void {
    const { delta, width, out, ascii, classOf } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const k = c < 128 ? ascii[c]! : (classOf.get(c) ?? 0);
      s = delta[s * width + k]!;
      const o = out[s]!;
      if (o.length) for (let j = 0; j < o.length; j++) found(o[j]!);
    }
  }
}
