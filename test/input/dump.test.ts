import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { escapeControls, runDump } from '../../src/cli/dump.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.resolve(here, '../fixtures/input');
const SAMPLES = path.resolve(here, '../../fixtures/samples');

async function dump(paths: string[], opts: Parameters<typeof runDump>[1]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runDump(paths, opts, { stdout, stderr });
  return { code, out, err };
}

describe('spoor dump', () => {
  it('reads the bundled samples cleanly: jsonl on stdout, only the summary on stderr', async () => {
    const r = await dump([SAMPLES], { format: 'jsonl' });
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(r.err).toBe('spoor: 12 events read, 0 records skipped, 4 files\n');
    const first = JSON.parse(lines[0]!);
    expect(Object.keys(first)).toEqual([
      'timestamp',
      'computer',
      'channel',
      'event_id',
      'record_id',
      'provider',
      'fields',
    ]);
    expect(first.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('gives the same events for the Sysmon XML export and its evtx_dump twin', async () => {
    const x = await dump([path.join(SAMPLES, 'sysmon-events.xml')], { format: 'jsonl' });
    const n = await dump([path.join(SAMPLES, 'sysmon-evtx_dump.ndjson')], { format: 'jsonl' });
    expect(x.out).toBe(n.out);
  });

  it('prints only the chosen fields, resolving dotted names', async () => {
    const r = await dump([path.join(SAMPLES, 'winlogbeat-ecs.ndjson')], {
      format: 'json',
      fields: ['winlog.event_data.TargetUserName', 'process.executable'],
    });
    const arr = JSON.parse(r.out) as { event_id: number; fields: Record<string, string> }[];
    expect(arr.map((e) => e.event_id)).toEqual([1, 4624, 7036]);
    expect(arr[0]!.fields).toEqual({
      'process.executable': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    });
    expect(arr[1]!.fields).toEqual({ 'winlog.event_data.TargetUserName': 'ana' });
  });

  it('writes valid JSON for no events at all', async () => {
    const r = await dump([path.join(FIX, 'empty.xml')], { format: 'json' });
    expect(JSON.parse(r.out)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('names file and line of every skipped record on stderr; --strict makes it exit 2', async () => {
    const file = path.join(FIX, 'malformed.ndjson');
    const r = await dump([file], { format: 'jsonl' });
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(3);
    const err = r.err.trim().split('\n');
    expect(err.slice(0, 4).map((l) => l.split(': ')[1])).toEqual([2, 3, 6, 8].map((n) => `${file}:${n}`));
    expect(err[4]).toBe('spoor: 3 events read, 4 records skipped, 1 file');
    expect((await dump([file], { format: 'jsonl', strict: true })).code).toBe(2);
    expect(
      (await dump([path.join(SAMPLES, 'sysmon-events.xml')], { format: 'jsonl', strict: true })).code,
    ).toBe(0);
  });

  it('gives XML warnings with line and byte offset', async () => {
    const file = path.join(FIX, 'truncated.xml');
    const r = await dump([file], { format: 'jsonl' });
    expect(r.err).toContain(`spoor: ${file}:2 (byte 233): truncated record`);
  });

  it('exits 2 when no path can be read, 0 with a warning when another one could', async () => {
    const none = await dump(['/nonexistent/spoor/a.xml'], { format: 'jsonl' });
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toContain('/nonexistent/spoor/a.xml: no such file or directory');
    const some = await dump(['/nonexistent/spoor/a.xml', path.join(SAMPLES, 'security-wevtutil.xml')], {
      format: 'jsonl',
    });
    expect(some.code).toBe(0);
    expect(some.err).toContain('3 events read, 0 records skipped, 1 file, 1 unreadable');
    const strict = await dump(['/nonexistent/spoor/a.xml', path.join(SAMPLES, 'security-wevtutil.xml')], {
      format: 'jsonl',
      strict: true,
    });
    expect(strict.code).toBe(2);
  });

  it('renders a table with control characters escaped', async () => {
    const r = await dump([path.join(FIX, 'pretty-crlf.xml')], { format: 'table', fields: ['Data', 'Host'] });
    expect(r.out).toContain('line one\\x0d\\x0aline two');
    expect(r.out).toContain('ConsoleHost');
    expect(/[\u0000-\u0008\u000b-\u001f\u007f]/.test(r.out)).toBe(false);
    expect(escapeControls('a\u001b[31mb\u202ec\u0085')).toBe('a\\x1b[31mb\\u{202e}c\\x85');
  });
});
