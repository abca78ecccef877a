import { describe, expect, it } from 'vitest';
import { compilePredicate, EqlSyntaxError, type FieldSource, parseEql } from '../../src/eql/index.js';

function syntaxError(query: string): EqlSyntaxError {
  try {
    parseEql(query);
  } catch (e) {
    if (e instanceof EqlSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for: ${query}`);
}

function where(cond: string, fields: Record<string, string | string[] | number>): boolean | null {
  const ast = parseEql(`any where ${cond}`);
  if (ast.kind !== 'event') throw new Error('not an event query');
  const src: FieldSource = { get: (n) => (Object.hasOwn(fields, n) ? fields[n] : undefined) };
  return compilePredicate(ast.where)(src);
}

describe('parseEql', () => {
  it('parses sequences with keys, maxspan, runs, missing stages and until', () => {
    const q = parseEql(`sequence by host.id with maxspan=30s
      [process where true] by process.entity_id with runs=2
      ![file where file.name : "x"] by process.entity_id
      [network where true] by process.entity_id
      until [process where event.type == "end"] by process.entity_id`);
    expect(q.kind).toBe('sequence');
    if (q.kind !== 'sequence') return;
    expect(q.maxspanMs).toBe(30_000);
    expect(q.by).toEqual([{ path: 'host.id', optional: false }]);
    expect(q.stages.map((s) => [s.category, s.missing])).toEqual([
      ['process', false],
      ['process', false],
      ['file', true],
      ['network', false],
    ]);
    expect(q.until?.category).toBe('process');
  });

  it('reads comments, raw strings, backquoted and optional fields, and ~ functions', () => {
    const q = parseEql(`/* c */ process where // line
      ?process.pe.original_file_name : """C:\\x\\*""" and \`my-field\` == 1 and STARTSWITH~(process.name, "a")`);
    if (q.kind !== 'event' || q.where.type !== 'and') throw new Error('unexpected shape');
    const [m, f, call] = q.where.args;
    expect(m).toEqual({
      type: 'match',
      op: ':',
      expr: { type: 'field', path: 'process.pe.original_file_name', optional: true },
      patterns: ['C:\\x\\*'],
    });
    expect(f).toMatchObject({ type: 'compare', left: { type: 'field', path: 'my-field' } });
    expect(call).toMatchObject({ type: 'call', name: 'startsWith', insensitive: true });
  });

  it('points errors at line and column', () => {
    const e = syntaxError('process where\n  process.name = "x"');
    expect([e.line, e.column]).toEqual([2, 16]);
    expect(e.reason).toContain("use '=='");
    expect(syntaxError('process where foo(1)').reason).toBe("unknown function 'foo'");
    expect(syntaxError('process where arrayContains(a, 1)').reason).toContain('not supported in Elastic EQL');
    expect(syntaxError('process where length~(a) > 1').reason).toContain('no case-insensitive');
    expect(syntaxError("process where a == 'x'").reason).toContain('single-quoted');
    expect(syntaxError('sequence [a where true] ![b where true]').reason).toContain('maxspan');
    expect(syntaxError('process where true | sort a').reason).toContain("pipe 'sort'");
    expect(syntaxError('sequence [a where true] by x [b where true]').reason).toContain(
      'same number of join keys',
    );
    expect(syntaxError('process where a regex "(x"').reason).toContain('invalid regular expression');
    const multi = syntaxError('sequence by a\n  [x where true]\n  [y wher true]');
    expect([multi.line, multi.column]).toEqual([3, 6]);
  });
});

describe('expression semantics', () => {
  it('`:` is case-insensitive with * and ? wildcards; == is exact', () => {
    expect(where('a : "?:\\\\windows\\\\*.EXE"', { a: 'C:\\Windows\\cmd.exe' })).toBe(true);
    expect(where('a == "c:\\\\windows"', { a: 'C:\\Windows' })).toBe(false);
    expect(where('a == "x*"', { a: 'x*' })).toBe(true);
    expect(where('a == "x*"', { a: 'xy' })).toBe(false);
    expect(where('a : ("q", "b*")', { a: 'BOX' })).toBe(true);
    expect(where('a like "B*"', { a: 'box' })).toBe(false);
    expect(where('a like~ "B*"', { a: 'box' })).toBe(true);
    expect(where('a regex~ "b[a-z]+"', { a: 'BOX' })).toBe(true);
    expect(where('a regex "b"', { a: 'box' })).toBe(false);
  });

  it('coerces numeric text, uses three-valued logic and any-of for lists', () => {
    expect(where('port in (5985, 5986)', { port: '5986' })).toBe(true);
    expect(where('port >= 1024', { port: '443' })).toBe(false);
    expect(where('missing > 1', {})).toBe(null);
    expect(where('not missing > 1', {})).toBe(null);
    expect(where('missing == null', {})).toBe(true);
    expect(where('args : "-enc*"', { args: ['powershell.exe', '-EncodedCommand', 'x'] })).toBe(true);
    expect(where('args != "x"', { args: ['a', 'x'] })).toBe(false);
    expect(where('a in~ ("ABC")', { a: 'abc' })).toBe(true);
    expect(where('a in~ ("a*")', { a: 'abc' })).toBe(false);
    expect(where('cidrmatch(ip, "10.0.0.0/8", "fd00::/8")', { ip: 'fd12::1' })).toBe(true);
  });

  it('cidrMatch answers the same once its ranges and addresses are remembered, past the memo limit too', () => {
    const q = 'cidrmatch(ip, "10.0.0.0/8", "192.168.0.0/16", net)';
    const answers = (): (boolean | null)[] => {
      const out: (boolean | null)[] = [];
      for (let i = 0; i < 5_000; i++) {
        const ip =
          i % 3 === 0 ? `10.${i % 256}.0.1` : i % 3 === 1 ? `172.16.${i % 256}.${i >> 8}` : 'nonsense';
        out.push(where(q, { ip, net: `172.16.${i % 7}.0/24` }));
      }
      return out;
    };
    const first = answers();
    expect(answers()).toEqual(first);
    expect(first.slice(0, 6)).toEqual([true, true, false, true, true, false]);
    // Every 10.x address, and the 172.16.a.b ones whose a (i mod 256) is the range's i mod 7.
    expect(first.filter((x) => x === true)).toHaveLength(1_667 + 7);
    expect(
      where('length(substring(p, 0, length(p) - (length(n) + 1))) == 10', {
        p: 'C:\\Windows\\x.dll',
        n: 'x.dll',
      }),
    ).toBe(true);
  });

  it('refuses an expression nested deeper than 64 levels (the query itself is one: 63 parentheses read)', () => {
    const parens = (n: number): string => `process where ${'('.repeat(n)}true${')'.repeat(n)}`;
    expect(() => parseEql(parens(63))).not.toThrow();
    for (const q of [
      parens(64),
      parens(100_000),
      `process where ${'not '.repeat(100_000)}true`,
      `process where x == ${'-'.repeat(100_000)}1`,
      `process where x in (${'('.repeat(100_000)}1${')'.repeat(100_000)})`,
      `process where length(${'length('.repeat(100_000)}x${')'.repeat(100_001)} > 1`,
    ])
      expect(syntaxError(q).message).toMatch(/expression nested deeper than 64 levels/);
  });
});
