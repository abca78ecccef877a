import { describe, expect, it } from 'vitest';
import { escapeForTerminal, eventJson, hitJson, JsonText } from '../../src/output/index.js';
import { makeHit } from './hits.js';

describe('escapeForTerminal', () => {
  it('leaves ordinary text, backslashes and non-Latin scripts alone', () => {
    const s = 'C:\\Windows\\System32\\cmd.exe /c "dir" — 日本語 émoji 🙂';
    expect(escapeForTerminal(s)).toBe(s);
  });

  it('turns an ANSI escape sequence into visible text', () => {
    const s = 'evil\u001b[2J\u001b]0;pwned\u0007title';
    const out = escapeForTerminal(s);
    expect(out).toBe('evil\\e[2J\\e]0;pwned\\x07title');
    expect(out).not.toMatch(/[\u0000-\u001f]/);
  });

  it('shows newline, tab, carriage return, NUL and DEL', () => {
    expect(escapeForTerminal('a\nb\tc\rd\u0000e\u007f')).toBe('a\\nb\\tc\\rd\\x00e\\x7F');
  });

  it('escapes C1 controls, including the one-character CSI', () => {
    expect(escapeForTerminal('x\u009b31my\u0085')).toBe('x\\x9B31my\\x85');
  });

  it('escapes bidirectional overrides and invisible characters', () => {
    const s = 'invoice\u202Efdp.exe \u2066x\u2069 zero\u200bwidth \ufeffbom \u2028line';
    expect(escapeForTerminal(s)).toBe(
      'invoice\\u202Efdp.exe \\u2066x\\u2069 zero\\u200Bwidth \\uFEFFbom \\u2028line',
    );
  });

  it('escapes lone surrogates but keeps paired ones', () => {
    expect(escapeForTerminal('a\ud800b')).toBe('a\\uD800b');
    expect(escapeForTerminal('a\udc00b')).toBe('a\\uDC00b');
    expect(escapeForTerminal('a\ud83d\ude42b')).toBe('a🙂b');
  });
});

describe('hit JSON with fields written ahead of time', () => {
  const fields: Record<string, string | string[]> = Object.assign(Object.create(null), {
    CommandLine: 'powershell -enc \u001b[31mred\u009b2J \u202eexe.txt\u2028next',
    ['__proto__']: 'polluted?',
    Data: ['a', '\u0085b', ''],
    Image: 'C:\\Windows\\System32\\whoami.exe "quoted"',
  });

  it('writes exactly what serialising the record with the fields as an object writes', () => {
    const plain = makeHit({ event: fields, details: { CommandLine: 'x\u009by' } });
    const pre = { ...plain, event: new JsonText(eventJson(fields)) };
    const want = JSON.stringify(plain).replace(
      /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    expect(hitJson(pre)).toBe(want);
    expect(hitJson(plain)).toBe(want);
    // Inert on a terminal, and the same values when read back.
    expect(hitJson(pre)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2028]/);
    const back = JSON.parse(hitJson(pre)) as { event: Record<string, unknown> };
    expect(Object.getPrototypeOf(back.event)).toBe(Object.prototype);
    expect(Object.hasOwn(back.event, '__proto__')).toBe(true);
    expect(back.event.CommandLine).toBe(fields.CommandLine);
    expect(back.event.Data).toEqual(['a', '\u0085b', '']);
  });

  it('leaves out undefined members and keeps nulls, as JSON.stringify does', () => {
    const h = { ...makeHit({ event: null }), group: undefined, count: 3 };
    expect(hitJson(h)).toBe(JSON.stringify(h));
  });
});
