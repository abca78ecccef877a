import { describe, expect, it } from 'vitest';
import { TextBytes, TextShelf } from '../../src/engine/text-bytes.js';

const text = (b: Uint8Array, [from, to]: [number, number]) =>
  Buffer.from(b.subarray(from, to)).toString('utf8');

describe('rendered hit texts', () => {
  it('are gathered into a lent buffer, at its start, and handed out with it', () => {
    const t = new TextBytes();
    const spare = new Uint8Array(1 << 16);
    t.lend(spare);
    const a = t.add(['{"a":1}']);
    const b = t.add(['{"é":"ü"}']);
    const out = t.take()!;
    expect(out.buffer).toBe(spare.buffer);
    expect(out.byteOffset).toBe(0);
    expect(text(out, a)).toBe('{"a":1}');
    expect(text(out, b)).toBe('{"é":"ü"}');
    expect(t.take()).toBeUndefined();
  });

  it('outgrow a lent buffer that is too small, keeping what was added', () => {
    const t = new TextBytes();
    const spare = new Uint8Array(16);
    t.lend(spare);
    const a = t.add(['x'.repeat(10)]);
    const b = t.add(['y'.repeat(100)]);
    const out = t.take()!;
    expect(out.buffer).not.toBe(spare.buffer);
    expect(text(out, a)).toBe('x'.repeat(10));
    expect(text(out, b)).toBe('y'.repeat(100));
  });

  it('write a text given in pieces as one, the pieces one after the other', () => {
    const t = new TextBytes();
    const a = t.add(['{"a":', '', '"é"', '}']);
    const b = t.add(['x']);
    const out = t.take()!;
    expect(text(out, a)).toBe('{"a":"é"}');
    expect(text(out, b)).toBe('x');
  });

  it('ignore a loan while texts are pending, and a detached buffer', () => {
    const t = new TextBytes();
    const at = t.add(['first']);
    const spare = new Uint8Array(1 << 16);
    t.lend(spare);
    const out = t.take()!;
    expect(out.buffer).not.toBe(spare.buffer);
    expect(text(out, at)).toBe('first');
    const moved = new Uint8Array(64);
    structuredClone(moved.buffer, { transfer: [moved.buffer] });
    t.lend(moved);
    t.add(['second']);
    expect(t.take()!.buffer.byteLength).toBeGreaterThan(0);
  });
});

describe('the shelf of text buffers', () => {
  it('hands back what it was given, whole, up to its bound', () => {
    const shelf = new TextShelf(2);
    expect(shelf.take()).toBeUndefined();
    const a = new ArrayBuffer(100);
    shelf.give(new Uint8Array(a, 0, 10));
    shelf.give(new Uint8Array(a, 0, 20));
    expect(shelf.kept).toBe(1);
    shelf.give(new Uint8Array(new ArrayBuffer(50)));
    shelf.give(new Uint8Array(new ArrayBuffer(60)));
    expect(shelf.kept).toBe(2);
    const back = shelf.take()!;
    expect(back.byteOffset).toBe(0);
    expect(back.byteLength).toBe(back.buffer.byteLength);
  });

  it('keeps no view that does not start its buffer, no detached buffer and nothing undefined', () => {
    const shelf = new TextShelf(4);
    shelf.give(new Uint8Array(new ArrayBuffer(100), 10, 20));
    const moved = new Uint8Array(64);
    structuredClone(moved.buffer, { transfer: [moved.buffer] });
    shelf.give(moved);
    shelf.give(undefined);
    expect(shelf.kept).toBe(0);
  });
});

describe('ASCII texts', () => {
  it('added as ASCII are the same bytes as added as UTF-8, and take only their length', () => {
    const parts = ['{"schema":1,', '"a":"C:\\\\Windows\\\\x.exe",', '"b":"\\u007f"}'];
    const asUtf8 = new TextBytes();
    const asAscii = new TextBytes();
    asAscii.lend(new Uint8Array(parts.join('').length));
    const [a0, a1] = asUtf8.add(parts);
    const [b0, b1] = asAscii.add(parts, true);
    const u = asUtf8.take()!;
    const l = asAscii.take()!;
    expect(Buffer.from(l.subarray(b0, b1)).equals(Buffer.from(u.subarray(a0, a1)))).toBe(true);
    // The lent buffer held exactly the text: no UTF-8 worst case was reserved for it.
    expect(l.buffer.byteLength).toBe(parts.join('').length);
  });
});
