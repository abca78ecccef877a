import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSigma } from '../../src/engine/index.js';
import { parseChunk } from '../../src/event/index.js';
import { loadSigma, type SigmaRuleIR } from '../../src/sigma/index.js';

const shared = path.resolve(__dirname, '../../../shared');
const oracleDir = path.join(shared, 'corpus/oracle');
const hasShared = existsSync(path.join(oracleDir, 'sigma-regression.jsonl'));
if (!hasShared) console.warn('skipping Sigma oracle tests: ../shared not present');

interface OracleCase {
  case_id: string;
  rule_id: string;
  rule_path: string;
  log: { xml: string; ndjson: string };
  expected_match_count: number | null;
}

const FORMATS = ['xml', 'ndjson'] as const;

function readCases(): OracleCase[] {
  return readFileSync(path.join(oracleDir, 'sigma-regression.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OracleCase);
}

/** Hunts one sample with a compiled rule set: rule index → number of hits. */
function hunt(
  engine: ReturnType<typeof compileSigma>,
  c: OracleCase,
  fmt: (typeof FORMATS)[number],
): Map<number, number> {
  const file = path.join(oracleDir, c.log[fmt]);
  const hits = new Map<number, number>();
  const warnings: string[] = [];
  parseChunk(
    { format: fmt, data: readFileSync(file), offset: 0, line: 1 },
    file,
    (ev) => engine.match(ev, (ri) => hits.set(ri, (hits.get(ri) ?? 0) + 1)),
    (w) => warnings.push(w.message),
  );
  expect(warnings).toEqual([]);
  return hits;
}

/**
 * Hits of an oracle rule on another case's sample, each checked by reading both rules:
 * [sample case id, rule id, hits, why it is right]. Any change in this list fails the suite.
 */
const CROSS_HITS: [string, string, number, string][] = [
  [
    '0e8cfe08-02c9-4815-a2f8-0d157b7ed33e',
    '94771a71-ba41-4b6e-a757-b531372eaab6',
    1,
    'headless browser download uses an inline URL',
  ],
  [
    '13e6fe51-d478-4c7e-b0f2-6da9b400a829',
    '19b08b1c-861d-4e75-a1ef-ea0c1baf202b',
    1,
    'certutil download from an IP is a certutil download',
  ],
  [
    '19b08b1c-861d-4e75-a1ef-ea0c1baf202b',
    '42a5f1e7-9603-4f6d-97ae-3f37d130d794',
    1,
    'the certutil sample downloads from a file-sharing site',
  ],
  [
    '1cf465a1-2609-4c15-9b66-c32dbe4bfd67',
    'b447f7de-1e53-4cbf-bfb4-f1f6d0b04e4e',
    1,
    'the uncommon location is the Public folder',
  ],
  [
    '25ffa65d-76d8-4da5-a832-3f2b0136e133',
    'c7da8edc-49ae-45a2-9e61-9fd860e4e73d',
    1,
    'two rules on the same Sysinternals EULA key',
  ],
  [
    '2ddef153-167b-4e89-86b6-757a9e65dcac',
    '5b80a791-ad9b-4b75-bcc1-ad4e1e89c200',
    1,
    'bitsadmin sample: suspicious extension too',
  ],
  [
    '2ddef153-167b-4e89-86b6-757a9e65dcac',
    '8518ed3d-f7c9-4601-a26c-f361a4256a0c',
    1,
    'bitsadmin sample: file-sharing site too',
  ],
  [
    '2ddef153-167b-4e89-86b6-757a9e65dcac',
    'd059842b-6b9d-4ed1-b5c3-5b89143c6ede',
    1,
    'every bitsadmin /transfer is a bitsadmin download',
  ],
  [
    '42a5f1e7-9603-4f6d-97ae-3f37d130d794',
    '19b08b1c-861d-4e75-a1ef-ea0c1baf202b',
    1,
    'file-sharing certutil download is a certutil download',
  ],
  [
    '455b9d50-15a1-4b99-853f-8d37655a4c1b',
    '514e7e3e-b3b4-4a67-af60-be20f139198b',
    1,
    'AdFind enumeration is AdFind execution',
  ],
  [
    '4fe074b4-b833-4081-8f24-7dcfeca72b42',
    'ccb5742c-c248-4982-8c5c-5571b9275ad3',
    1,
    'the findstr lookup is piped from a recon command',
  ],
  [
    '514e7e3e-b3b4-4a67-af60-be20f139198b',
    '9a132afa-654e-11eb-ae93-0242ac130002',
    1,
    'the AdFind sample uses a suspicious AdFind flag',
  ],
  [
    '540703fb-a874-4385-a9d6-7cd1bfab268c',
    '5bac7a56-da88-4c27-922e-c81e113b20cb',
    1,
    'Shai-Hulud installs a GitHub self-hosted runner',
  ],
  [
    '54773c5f-f1cc-4703-9126-2f797d96a69d',
    'bef37fa2-f205-4a7b-b484-0759bfd5f86f',
    1,
    'both scanner rules match the Advanced Port Scanner metadata',
  ],
  [
    '5b80a791-ad9b-4b75-bcc1-ad4e1e89c200',
    '2ddef153-167b-4e89-86b6-757a9e65dcac',
    1,
    'bitsadmin sample: suspicious target folder too',
  ],
  [
    '5b80a791-ad9b-4b75-bcc1-ad4e1e89c200',
    '8518ed3d-f7c9-4601-a26c-f361a4256a0c',
    1,
    'bitsadmin sample: file-sharing site too',
  ],
  [
    '5b80a791-ad9b-4b75-bcc1-ad4e1e89c200',
    'd059842b-6b9d-4ed1-b5c3-5b89143c6ede',
    1,
    'every bitsadmin /transfer is a bitsadmin download',
  ],
  [
    '82a6714f-4899-4f16-9c1e-9a333544d4c3',
    'ea0cdc3e-2239-4f26-a947-4e8f8224e464',
    1,
    'the encoded file also has a suspicious extension',
  ],
  [
    '847d5ff3-8a31-4737-a970-aeae8fe21765',
    'b53317a0-8acf-4fd1-8de8-a5401e776b96',
    1,
    'tampering via wmic is an application removal',
  ],
  [
    '8518ed3d-f7c9-4601-a26c-f361a4256a0c',
    '2ddef153-167b-4e89-86b6-757a9e65dcac',
    1,
    'bitsadmin sample: suspicious target folder too',
  ],
  [
    '8518ed3d-f7c9-4601-a26c-f361a4256a0c',
    '5b80a791-ad9b-4b75-bcc1-ad4e1e89c200',
    1,
    'bitsadmin sample: suspicious extension too',
  ],
  [
    '8518ed3d-f7c9-4601-a26c-f361a4256a0c',
    'd059842b-6b9d-4ed1-b5c3-5b89143c6ede',
    1,
    'every bitsadmin /transfer is a bitsadmin download',
  ],
  [
    '99c840f2-2012-46fd-9141-c761987550ef',
    '2ddef153-167b-4e89-86b6-757a9e65dcac',
    1,
    'bitsadmin sample: suspicious target folder too',
  ],
  [
    '99c840f2-2012-46fd-9141-c761987550ef',
    '5b80a791-ad9b-4b75-bcc1-ad4e1e89c200',
    1,
    'bitsadmin sample: suspicious extension too',
  ],
  [
    '99c840f2-2012-46fd-9141-c761987550ef',
    'd059842b-6b9d-4ed1-b5c3-5b89143c6ede',
    1,
    'every bitsadmin /transfer is a bitsadmin download',
  ],
  [
    '9a132afa-654e-11eb-ae93-0242ac130002',
    '514e7e3e-b3b4-4a67-af60-be20f139198b',
    1,
    'suspicious AdFind use is AdFind execution',
  ],
  [
    '9cc85849-3b02-4cb5-b371-3a1ff54f2218',
    'e218595b-bbe7-4ee5-8a96-f32a24ad3468',
    1,
    'curl download from an IP to a suspicious path',
  ],
  [
    'aa6f6ea6-0676-40dd-b510-6e46f02d8867',
    'e218595b-bbe7-4ee5-8a96-f32a24ad3468',
    1,
    'the curl sample writes its output to a suspicious path',
  ],
  [
    'c17d47b7-dcd6-4109-87eb-d1817bd4cbc9',
    '6225c53a-a96e-4235-b28f-8d7997cd96eb',
    1,
    'Credential Guard and HVCI keys share the DeviceGuard path',
  ],
  [
    'c7da8edc-49ae-45a2-9e61-9fd860e4e73d',
    '25ffa65d-76d8-4da5-a832-3f2b0136e133',
    1,
    'two rules on the same Sysinternals EULA key',
  ],
  [
    'efc21479-9e83-41da-8cf1-122e06ba8db3',
    '8fbf3271-1ef6-4e94-8210-03c2317947f6',
    1,
    'NetExec drops files the cred-dump list names',
  ],
  [
    'f50f3c09-557d-492d-81db-9064a8d4e211',
    '25ffa65d-76d8-4da5-a832-3f2b0136e133',
    1,
    'a renamed Sysinternals tool still writes the EULA key',
  ],
  [
    'f50f3c09-557d-492d-81db-9064a8d4e211',
    'c7da8edc-49ae-45a2-9e61-9fd860e4e73d',
    1,
    'a renamed Sysinternals tool still writes the EULA key',
  ],
];

describe.skipIf(!hasShared)('SigmaHQ regression oracle', () => {
  const cases = hasShared ? readCases() : [];
  let rules: SigmaRuleIR[] = [];

  it('loads every oracle rule', async () => {
    const res = await loadSigma(cases.map((c) => path.join(shared, 'corpus/sigma', c.rule_path)));
    expect(res.problems.filter((p) => p.severity === 'error')).toEqual([]);
    rules = res.rules;
    expect(new Set(rules.map((r) => r.id))).toEqual(new Set(cases.map((c) => c.rule_id)));
  });

  it('each rule alone yields the expected count on its sample, XML and NDJSON', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const ri = rules.findIndex((r) => r.id === c.rule_id);
      const engine = compileSigma([rules[ri]!]);
      for (const fmt of FORMATS) {
        const n = hunt(engine, c, fmt).get(0) ?? 0;
        const ok = c.expected_match_count === null ? n >= 1 : n === c.expected_match_count;
        if (!ok)
          failures.push(`${c.rule_path} (${fmt}): ${n} hits, expected ${c.expected_match_count ?? '≥1'}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('all rules over all samples: own hits as expected, cross-hits exactly as listed', () => {
    for (const prefilter of [true, false]) {
      const engine = compileSigma(rules, { prefilter });
      for (const fmt of FORMATS) {
        const cross: [string, string, number][] = [];
        for (const c of cases) {
          for (const [ri, n] of hunt(engine, c, fmt)) {
            const r = rules[ri]!;
            if (r.id === c.rule_id) {
              if (c.expected_match_count !== null)
                expect(n, `${c.rule_path} ${fmt}`).toBe(c.expected_match_count);
            } else cross.push([c.case_id, r.id, n]);
          }
        }
        cross.sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));
        expect(cross, `${fmt}, prefilter ${prefilter}`).toEqual(CROSS_HITS.map(([s, r, n]) => [s, r, n]));
      }
    }
  });
});
