import { describe, expect, it } from 'vitest';
import { escapeForTerminal, jsonForTerminal, terminalJson } from '../../src/output/index.js';

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

describe('terminalJson', () => {
  it('tells ASCII lines from others, escaping DEL, C1 and bidirectional controls either way', () => {
    expect(terminalJson({ a: 'plain' })).toEqual({ text: '{"a":"plain"}', ascii: true });
    expect(terminalJson({ a: 'x\u007fy' })).toEqual({ text: '{"a":"x\\u007fy"}', ascii: true });
    expect(terminalJson({ a: 'é\u202e' })).toEqual({ text: '{"a":"é\\u202e"}', ascii: false });
    expect(terminalJson({ a: 'é\u202e' }).text).toBe(jsonForTerminal({ a: 'é\u202e' }));
    expect(JSON.parse(terminalJson({ a: 'x\u007f\u0085' }).text)).toEqual({ a: 'x\u007f\u0085' });
  });
});
