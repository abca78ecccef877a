import { describe, expect, it } from 'vitest';
import { probe, refusal } from './helpers.js';

describe('default matching', () => {
  it('is case-insensitive equality for plain values', async () => {
    const p = await probe('    sel:\n        Image: C:\\Windows\\System32\\whoami.exe\n    condition: sel');
    expect(p.hits({ Image: 'c:\\windows\\system32\\WHOAMI.exe' })).toBe(true);
    expect(p.hits({ Image: 'c:\\windows\\system32\\whoami.exe2' })).toBe(false);
  });
  it('treats a list of values as OR and a map as AND', async () => {
    const p = await probe("    sel:\n        A: ['x', 'y']\n        B: z\n    condition: sel");
    expect(p.hits({ A: 'y', B: 'Z' })).toBe(true);
    expect(p.hits({ A: 'y' })).toBe(false);
    expect(p.hits({ A: 'w', B: 'z' })).toBe(false);
  });
  it('treats a list of maps as OR (the founding rule shape)', async () => {
    const p = await probe(
      "    selection:\n        - Image|endswith: '\\wsmprovhost.exe'\n        - ParentImage|endswith: '\\wsmprovhost.exe'\n    condition: selection",
    );
    expect(p.hits({ Image: 'C:\\x\\wsmprovhost.exe' })).toBe(true);
    expect(p.hits({ ParentImage: 'C:\\x\\WSMPROVHOST.EXE', Image: 'a' })).toBe(true);
    expect(p.hits({ Image: 'C:\\x\\other.exe' })).toBe(false);
  });
  it('matches numbers as text', async () => {
    const p = await probe('    sel:\n        EventID: 4624\n    condition: sel');
    expect(p.hits({ EventID: '4624' })).toBe(true);
    expect(p.hits({ EventID: '4625' })).toBe(false);
  });
  it('matches any element of a list-valued field', async () => {
    const p = await probe('    sel:\n        Data|contains: evil\n    condition: sel');
    expect(p.hits({ Data: ['good', 'EVIL thing'] })).toBe(true);
    expect(p.hits({ Data: ['good', 'fine'] })).toBe(false);
  });
});

describe('wildcards and the escape table', () => {
  const cases: [string, string, string[], string[]][] = [
    // rule value (YAML single-quoted), description, matching values, non-matching values
    ['a*c', '* is any run', ['ac', 'abbc'], ['ab', 'xac']],
    ['a?c', '? is one character', ['abc'], ['ac', 'abbc']],
    ['a\\*c', '\\* is a plain star', ['a*c'], ['abc']],
    ['a\\?c', '\\? is a plain question mark', ['a?c'], ['abc']],
    ['C:\\Windows', 'a single backslash before a letter is plain', ['c:\\windows'], ['c:\\\\windows']],
    ['C:\\\\Windows', 'a double backslash is one backslash', ['c:\\windows'], ['c:\\\\windows']],
    ['a\\\\*', '\\\\* is a backslash then a wildcard', ['a\\', 'a\\xyz'], ['a', 'axyz']],
    ['a\\\\\\*', '\\\\\\* is a backslash then a plain star', ['a\\*'], ['a\\x']],
    ['a\\\\\\\\b', 'four backslashes are two', ['a\\\\b'], ['a\\b']],
    ['a\\\\\\b', 'three backslashes before a letter are two', ['a\\\\b'], ['a\\b']],
  ];
  for (const [value, what, yes, no] of cases) {
    it(`${value}: ${what}`, async () => {
      const p = await probe(`    sel:\n        F: '${value}'\n    condition: sel`);
      for (const v of yes) expect(p.hits({ F: v }), v).toBe(true);
      for (const v of no) expect(p.hits({ F: v }), v).toBe(false);
    });
  }
  it('reduces wildcard patterns to string operations', async () => {
    const p = await probe(
      "    sel:\n        - A: 'x*'\n        - B: '*y'\n        - C: '*z*'\n        - D: 'p*q'\n    condition: sel",
    );
    const ops = p.result.rules[0]!.detection.selections[0]!.maps.map((m) => {
      const t = m[0]!.values[0]![0]!;
      return t.t === 'str' ? t.op : t.t;
    });
    expect(ops).toEqual(['prefix', 'suffix', 'contains', 'glob']);
  });
});

describe('null, empty and exists', () => {
  it('null and empty both mean absent or empty', async () => {
    for (const v of ['null', "''"]) {
      const p = await probe(`    sel:\n        A: x\n    f:\n        B: ${v}\n    condition: sel and f`);
      expect(p.hits({ A: 'x' }), v).toBe(true);
      expect(p.hits({ A: 'x', B: '' }), v).toBe(true);
      expect(p.hits({ A: 'x', B: 'y' }), v).toBe(false);
    }
  });
  it('exists true / false', async () => {
    const yes = await probe('    sel:\n        B|exists: true\n    condition: sel');
    const no = await probe('    sel:\n        A: x\n        B|exists: false\n    condition: sel');
    expect(yes.hits({ B: 'q' })).toBe(true);
    expect(yes.hits({ A: 'q' })).toBe(false);
    expect(no.hits({ A: 'x' })).toBe(true);
    expect(no.hits({ A: 'x', B: 'q' })).toBe(false);
  });
  it('refuses exists with a non-boolean', async () => {
    expect(await refusal('    sel:\n        B|exists: yes please\n    condition: sel')).toBe(
      'exists needs true or false',
    );
  });
});

describe('contains / startswith / endswith / all / cased / neq', () => {
  it('contains|all needs every value', async () => {
    const p = await probe("    sel:\n        CommandLine|contains|all: ['-a', '-b']\n    condition: sel");
    expect(p.hits({ CommandLine: 'x -b -a' })).toBe(true);
    expect(p.hits({ CommandLine: 'x -a' })).toBe(false);
  });
  it('refuses |all on a single value', async () => {
    expect(await refusal("    sel:\n        CommandLine|contains|all: '-a'\n    condition: sel")).toBe(
      '|all on a single value',
    );
  });
  it('startswith and endswith', async () => {
    const s = await probe('    sel:\n        A|startswith: ab\n    condition: sel');
    const e = await probe('    sel:\n        A|endswith: ab\n    condition: sel');
    expect(s.hits({ A: 'ABc' })).toBe(true);
    expect(s.hits({ A: 'cab' })).toBe(false);
    expect(e.hits({ A: 'cAB' })).toBe(true);
    expect(e.hits({ A: 'abc' })).toBe(false);
  });
  it('cased matches case-sensitively', async () => {
    const p = await probe('    sel:\n        A|contains|cased: Evil\n    condition: sel');
    expect(p.hits({ A: 'xEvilx' })).toBe(true);
    expect(p.hits({ A: 'xevilx' })).toBe(false);
  });
  it('neq negates the item (none of the values)', async () => {
    const p = await probe("    sel:\n        A: x\n        B|neq: ['1', '2']\n    condition: sel");
    expect(p.hits({ A: 'x', B: '3' })).toBe(true);
    expect(p.hits({ A: 'x', B: '2' })).toBe(false);
    expect(p.hits({ A: 'x' })).toBe(true);
  });
  it('refuses unknown modifiers and two match types', async () => {
    expect(await refusal('    sel:\n        A|frobnicate: x\n    condition: sel')).toBe(
      'unsupported modifier frobnicate',
    );
    expect(await refusal('    sel:\n        A|contains|endswith: x\n    condition: sel')).toMatch(
      /two match types/,
    );
  });
});

describe('windash', () => {
  it('expands every flag dash to - / – — ―', async () => {
    const p = await probe("    sel:\n        CommandLine|windash|contains: ' -enc '\n    condition: sel");
    for (const d of ['-', '/', '\u2013', '\u2014', '\u2015'])
      expect(p.hits({ CommandLine: `ps ${d}enc abc` }), d).toBe(true);
    expect(p.hits({ CommandLine: 'ps +enc abc' })).toBe(false);
    expect(p.result.rules[0]!.detection.selections[0]!.maps[0]![0]!.values[0]!).toHaveLength(5);
  });
  it('makes every combination of two flags', async () => {
    const p = await probe("    sel:\n        CommandLine|windash|contains: ' -a -b'\n    condition: sel");
    expect(p.result.rules[0]!.detection.selections[0]!.maps[0]![0]!.values[0]!).toHaveLength(25);
    expect(p.hits({ CommandLine: 'x /a \u2014b' })).toBe(true);
  });
  it('leaves dashes inside words alone', async () => {
    const p = await probe("    sel:\n        CommandLine|windash: 'a-b'\n    condition: sel");
    expect(p.hits({ CommandLine: 'a/b' })).toBe(false);
    expect(p.hits({ CommandLine: 'a-b' })).toBe(true);
  });
});

describe('encodings', () => {
  it('base64 encodes the value', async () => {
    const p = await probe("    sel:\n        A|base64|contains: 'cmd'\n    condition: sel");
    expect(p.hits({ A: `x ${Buffer.from('cmd').toString('base64')} y` })).toBe(true);
  });
  it('base64offset finds the value at each of the three offsets', async () => {
    const p = await probe("    sel:\n        A|base64offset|contains: 'Invoke-Mimikatz'\n    condition: sel");
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const b64 = Buffer.from(`${prefix}Invoke-Mimikatz -DumpCreds`).toString('base64');
      expect(p.hits({ A: b64 }), prefix).toBe(true);
    }
    expect(p.hits({ A: Buffer.from('Invoke-Something').toString('base64') })).toBe(false);
    expect(p.result.rules[0]!.detection.selections[0]!.maps[0]![0]!.values[0]!).toHaveLength(3);
  });
  it('wide|base64offset encodes UTF-16LE first', async () => {
    const p = await probe("    sel:\n        A|wide|base64offset|contains: 'ping'\n    condition: sel");
    const b64 = Buffer.from('cmd /c ping x', 'utf16le').toString('base64');
    expect(p.hits({ A: b64 })).toBe(true);
  });
  it('utf16be and utf16 (with BOM)', async () => {
    const be = await probe("    sel:\n        A|utf16be|base64: 'ab'\n    condition: sel");
    const bom = await probe("    sel:\n        A|utf16|base64: 'ab'\n    condition: sel");
    expect(be.hits({ A: Buffer.from([0, 0x61, 0, 0x62]).toString('base64') })).toBe(true);
    expect(bom.hits({ A: Buffer.from([0xff, 0xfe, 0x61, 0, 0x62, 0]).toString('base64') })).toBe(true);
  });
  it('refuses utf16 without base64 and base64 of wildcards', async () => {
    expect(await refusal("    sel:\n        A|wide: 'x'\n    condition: sel")).toMatch(/without base64/);
    expect(await refusal("    sel:\n        A|base64: 'x*'\n    condition: sel")).toMatch(/wildcards/);
  });
});

describe('re', () => {
  it('is case-sensitive unless |i', async () => {
    const cs = await probe("    sel:\n        A|re: 'ab+c'\n    condition: sel");
    const ci = await probe("    sel:\n        A|re|i: 'ab+c'\n    condition: sel");
    expect(cs.hits({ A: 'xabbc' })).toBe(true);
    expect(cs.hits({ A: 'xABBC' })).toBe(false);
    expect(ci.hits({ A: 'xABBC' })).toBe(true);
  });
  it('m and s sub-modifiers', async () => {
    const m = await probe("    sel:\n        A|re|m: '^b$'\n    condition: sel");
    const s = await probe("    sel:\n        A|re|s: 'a.b'\n    condition: sel");
    expect(m.hits({ A: 'a\nb\nc' })).toBe(true);
    expect(s.hits({ A: 'a\nb' })).toBe(true);
    const plain = await probe("    sel:\n        A|re: 'a.b'\n    condition: sel");
    expect(plain.hits({ A: 'a\nb' })).toBe(false);
  });
  it('translates a leading (?i) into a flag', async () => {
    const p = await probe("    sel:\n        A|re: '(?i)evil'\n    condition: sel");
    expect(p.hits({ A: 'EVIL' })).toBe(true);
  });
  it('refuses inline flags in the middle and invalid patterns', async () => {
    expect(await refusal("    sel:\n        A|re: 'a(?i)b'\n    condition: sel")).toMatch(/inline flags/);
    expect(await refusal("    sel:\n        A|re: 'a(b'\n    condition: sel")).toMatch(
      /invalid regular expression/,
    );
  });
  it('keeps a necessary literal to skip the regex cheaply', async () => {
    const p = await probe("    sel:\n        A|re: 'foo.*bar[0-9]+'\n    condition: sel");
    const t = p.result.rules[0]!.detection.selections[0]!.maps[0]![0]!.values[0]![0]!;
    expect(t.t === 're' && t.lit).toBe('foo');
  });
});

describe('numbers, cidr, fieldref, time', () => {
  it('lt lte gt gte', async () => {
    const p = await probe('    sel:\n        A|gt: 10\n        B|lte: 5\n    condition: sel');
    expect(p.hits({ A: '11', B: '5' })).toBe(true);
    expect(p.hits({ A: '10', B: '5' })).toBe(false);
    expect(p.hits({ A: '0x20', B: '1' })).toBe(true);
    expect(p.hits({ A: 'abc', B: '1' })).toBe(false);
  });
  it('cidr v4 and v6', async () => {
    const p = await probe(
      "    sel:\n        Ip|cidr: ['10.0.0.0/8', 'fe80::/10', '2001:db8::/32']\n    condition: sel",
    );
    expect(p.hits({ Ip: '10.1.2.3' })).toBe(true);
    expect(p.hits({ Ip: '11.1.2.3' })).toBe(false);
    expect(p.hits({ Ip: 'fe80::1%12' })).toBe(true);
    expect(p.hits({ Ip: '2001:0db8:0000::1' })).toBe(true);
    expect(p.hits({ Ip: '2001:db9::1' })).toBe(false);
    expect(p.hits({ Ip: '::ffff:10.9.9.9' })).toBe(true);
  });
  it('refuses an invalid cidr', async () => {
    expect(await refusal("    sel:\n        Ip|cidr: '10.0.0.0/40'\n    condition: sel")).toMatch(
      /invalid CIDR/,
    );
  });
  it('fieldref compares two fields', async () => {
    const p = await probe('    sel:\n        A|fieldref: B\n    condition: sel');
    expect(p.hits({ A: 'X', B: 'x' })).toBe(true);
    expect(p.hits({ A: 'X', B: 'y' })).toBe(false);
    const n = await probe('    sel:\n        A|fieldref|neq: B\n    condition: sel');
    expect(n.hits({ A: 'X', B: 'y' })).toBe(true);
  });
  it('time modifiers extract a part of a date', async () => {
    const h = await probe('    sel:\n        UtcTime|hour|gte: 22\n    condition: sel');
    const m = await probe('    sel:\n        UtcTime|month: 2\n    condition: sel');
    const w = await probe('    sel:\n        UtcTime|week: 1\n    condition: sel');
    expect(h.hits({ UtcTime: '2024-02-03 23:10:00.000' })).toBe(true);
    expect(h.hits({ UtcTime: '2024-02-03 21:10:00.000' })).toBe(false);
    expect(m.hits({ UtcTime: '2024-02-03T01:00:00Z' })).toBe(true);
    expect(w.hits({ UtcTime: '2024-01-03T01:00:00Z' })).toBe(true);
  });
});

describe('expand', () => {
  it('replaces placeholders with the user-supplied values', async () => {
    const p = await probe("    sel:\n        Host|expand: '%servers%'\n    condition: sel", {
      ignoreLogsource: true,
      expand: { servers: ['srv*', 'dc01'] },
    });
    expect(p.hits({ Host: 'SRV42' })).toBe(true);
    expect(p.hits({ Host: 'dc01' })).toBe(true);
    expect(p.hits({ Host: 'ws1' })).toBe(false);
  });
  it('refuses a placeholder without a value and keeps an escaped percent plain', async () => {
    expect(await refusal("    sel:\n        Host|expand: '%nope%'\n    condition: sel")).toBe(
      'placeholder %nope% has no value',
    );
    const p = await probe("    sel:\n        Host|expand: '\\%plain'\n    condition: sel");
    expect(p.hits({ Host: '%plain' })).toBe(true);
  });
});

describe('keywords', () => {
  it('searches every field value', async () => {
    const p = await probe(
      "    keywords:\n        - 'mimikatz'\n        - 'sekurlsa'\n    condition: keywords",
    );
    expect(p.hits({ A: 'x', B: 'run MIMIKATZ now' })).toBe(true);
    expect(p.hits({ A: 'x', B: 'y' })).toBe(false);
  });
  it('|all keywords need every value somewhere', async () => {
    const p = await probe(
      "    keywords:\n        '|all':\n            - 'Oab'\n            - ' -ExternalUrl '\n    condition: keywords",
    );
    expect(p.hits({ A: 'oab', B: 'x -externalurl y' })).toBe(true);
    expect(p.hits({ A: 'oab' })).toBe(false);
  });
});
