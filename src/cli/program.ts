import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type Level, parseLevel } from '../common/index.js';
import { type Format, formatFromPath, isValidTimeZone } from '../output/index.js';
import { runDump } from './dump.js';
import { readExpandFile } from './expand-file.js';
import { type HuntOptions, runHunt } from './hunt.js';
import { type Io, noColorRequested } from './io.js';
import { expandOutputPath } from './output-path.js';
import { BUNDLED_RULES } from './paths.js';
import { runRulesLint, runRulesList } from './rules.js';
import { parseTimeBound } from './time-options.js';

/** The version in the package's own package.json (two levels above the compiled cli/ folder). */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const pkg: unknown = JSON.parse(text);
  const v = pkg !== null && typeof pkg === 'object' ? (pkg as { version?: unknown }).version : undefined;
  return typeof v === 'string' ? v : '0.0.0';
}

function level(value: string): Level {
  const l = parseLevel(value);
  if (!l)
    throw new InvalidArgumentError('expected informational|low|medium|high|critical (or info, med, crit)');
  return l;
}

function list(value: string, previous: string[] = []): string[] {
  return previous.concat(
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

function levelList(value: string, previous: Level[] = []): Level[] {
  return previous.concat(list(value).map(level));
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new InvalidArgumentError('expected a whole number from 1 to 256');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return previous.concat(value);
}

interface HuntCli {
  rules?: string[];
  eql?: string[];
  format?: Format;
  jsonl?: boolean;
  json?: boolean;
  csv?: boolean;
  output?: string;
  sort: 'time' | 'none';
  threads?: number;
  minLevel?: Level;
  level?: Level[];
  status?: string[];
  tags?: string[];
  excludeTags?: string[];
  ruleId?: string[];
  excludeRuleId?: string[];
  from?: string;
  to?: string;
  timezone?: string;
  utc?: boolean;
  abbrev: boolean;
  color: boolean;
  quiet?: boolean;
  strict?: boolean;
  failOn?: Level;
  ignoreLogsource?: boolean;
  expand?: string;
  append?: boolean;
  dedup?: boolean;
  state?: string;
}

async function huntOptions(o: HuntCli, io: Io): Promise<HuntOptions | string> {
  const chosen = [o.jsonl && 'jsonl', o.json && 'json', o.csv && 'csv'].filter(Boolean) as Format[];
  if (chosen.length > 1 || (chosen.length === 1 && o.format && o.format !== chosen[0])) {
    return 'choose one output format';
  }
  if (o.append && !o.output) return '--append needs -o FILE';
  let format: Format = chosen[0] ?? o.format ?? 'table';
  if (!chosen[0] && !o.format && o.output) format = formatFromPath(o.output) ?? 'table';
  const now = Date.now();
  let fromMs: number | undefined;
  let toMs: number | undefined;
  if (o.from !== undefined) {
    const t = parseTimeBound(o.from, now);
    if (typeof t === 'string') return `--from: ${t}`;
    fromMs = t;
  }
  if (o.to !== undefined) {
    const t = parseTimeBound(o.to, now);
    if (typeof t === 'string') return `--to: ${t}`;
    toMs = t;
  }
  if (o.append && (format === 'json' || format === 'table')) {
    return `--append works with jsonl and csv output, not ${format}`;
  }
  if (o.timezone && !isValidTimeZone(o.timezone))
    return `--timezone: '${o.timezone}' is not an IANA time zone`;
  const noColor = !o.color || noColorRequested() || !io.stdoutIsTty;
  return {
    rules: o.rules?.length ? o.rules : o.eql?.length ? [] : [BUNDLED_RULES],
    eql: o.eql ?? [],
    format,
    output: o.output ? expandOutputPath(o.output, new Date(now), Boolean(o.utc)) : undefined,
    sort: o.sort,
    threads: o.threads ?? { auto: Math.max(1, availableParallelism()) },
    minLevel: o.minLevel,
    levels: o.level,
    statuses: o.status?.map((s) => s.toLowerCase()),
    tags: o.tags?.map((t) => t.toLowerCase()),
    excludeTags: o.excludeTags?.map((t) => t.toLowerCase()),
    ruleIds: o.ruleId?.map((t) => t.toLowerCase()),
    excludeRuleIds: o.excludeRuleId?.map((t) => t.toLowerCase()),
    fromMs,
    toMs,
    timezone: o.utc ? 'UTC' : o.timezone,
    abbrev: o.abbrev,
    color: !noColor,
    quiet: Boolean(o.quiet),
    strict: Boolean(o.strict),
    failOn: o.failOn,
    ignoreLogsource: Boolean(o.ignoreLogsource),
    expand: o.expand ? await readExpandFile(o.expand) : undefined,
    state: o.state,
    dedup: Boolean(o.dedup),
    append: Boolean(o.append),
  };
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('spoor')
    .description('Offline threat hunting in Windows event logs (EVTX-exported XML and NDJSON)')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)');

  const hunt = program
    .command('hunt')
    .description('run detection rules over event exports and print a timeline of hits')
    .argument('<paths...>', 'files, folders (searched recursively) or - for stdin');
  hunt.optionsGroup('Input:');
  hunt.option(
    '--threads <n>',
    'matching threads: the reading thread and N-1 workers (default: one per core, fewer when the input is small)',
    positiveInt,
  );
  hunt.option('--strict', 'exit 2 when any record or file had to be skipped');
  hunt.optionsGroup('Rules:');
  hunt.option('-r, --rules <path>', 'rule file or folder, repeatable (default: the bundled rules/)', collect);
  hunt.option('--eql <query>', 'run an EQL query as a rule (repeatable)', collect);
  hunt.option('--ignore-logsource', 'match on the detection alone when a logsource cannot be mapped');
  hunt.option('--expand <file>', 'YAML or JSON file of values for %placeholders% used by |expand');
  hunt.optionsGroup('Filters:');
  hunt.option('--min-level <level>', 'only rules at or above this level', level);
  hunt.option('--level <levels>', 'only rules of exactly these levels (comma list, repeatable)', levelList);
  hunt.option(
    '--status <statuses>',
    'only rules of these statuses (default: all but deprecated, unsupported)',
    list,
  );
  hunt.option('--tags <tags>', 'only rules with one of these tags, e.g. attack.t1059', list);
  hunt.option('--exclude-tags <tags>', 'drop rules with one of these tags', list);
  hunt.option('--rule-id <ids>', 'only these rule ids', list);
  hunt.option('--exclude-rule-id <ids>', 'drop these rule ids', list);
  hunt.option('--from <time>', 'only events at or after: RFC 3339, a date, or relative (24h, 7d)');
  hunt.option('--to <time>', 'only events at or before: RFC 3339, a date, or relative');
  hunt.optionsGroup('Output:');
  hunt.addOption(
    new Option('-f, --format <format>', 'output format').choices(['table', 'jsonl', 'json', 'csv']),
  );
  hunt.option('--jsonl', 'same as --format jsonl');
  hunt.option('--json', 'same as --format json');
  hunt.option('--csv', 'same as --format csv');
  hunt.option('-o, --output <file>', 'write to FILE (format from its extension unless given)');
  hunt.addOption(
    new Option('--sort <order>', 'time: sorted timeline; none: stream hits as found')
      .choices(['time', 'none'])
      .default('time'),
  );
  hunt.option('--timezone <zone>', 'show times in this IANA time zone (default UTC)');
  hunt.option('--utc', 'show times in UTC');
  hunt.option('--no-abbrev', 'show channel names in full');
  hunt.option('--no-color', 'no colours (also when NO_COLOR is set or stdout is not a terminal)');
  hunt.option('-q, --quiet', 'print nothing but hits and errors');
  hunt.option('--append', 'append to the -o file (jsonl, csv) instead of replacing it, atomically');
  hunt.option('--dedup', 'drop hits whose hit id was already written in this run');
  hunt.option('--state <file>', 'scheduled scans: resume each file where the last run stopped');
  hunt.option('--fail-on <level>', 'exit 1 when a hit at or above LEVEL was found', level);
  hunt.action(async (paths: string[], o: HuntCli) => {
    const opts = await huntOptions(o, io);
    if (typeof opts === 'string') {
      io.stderr.write(`spoor: ${opts}\n`);
      setExit(2);
      return;
    }
    setExit(await runHunt(paths, opts, io));
  });

  program
    .command('dump')
    .description('print events as spoor sees them (jq-ready NDJSON by default)')
    .argument('<paths...>', 'files, folders or - for stdin')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['jsonl', 'json', 'table'])
        .default('jsonl'),
    )
    .option('--fields <names>', 'only these fields (comma list)', list)
    .option('--strict', 'exit 2 when any record was skipped')
    .action(
      async (
        paths: string[],
        o: { format: 'jsonl' | 'json' | 'table'; fields?: string[]; strict?: boolean },
      ) => {
        setExit(await runDump(paths, { format: o.format, fields: o.fields, strict: Boolean(o.strict) }, io));
      },
    );

  const rules = program.command('rules').description('inspect rule sets');
  rules
    .command('lint')
    .description('load rules and report every refusal with file, line and reason')
    .argument('[paths...]', 'rule files or folders (default: the bundled rules/)')
    .action(async (paths: string[]) => {
      setExit(await runRulesLint(paths.length ? paths : [BUNDLED_RULES], io));
    });
  rules
    .command('list')
    .description('list loaded rules: title, level, status, logsource, file')
    .argument('[paths...]', 'rule files or folders (default: the bundled rules/)')
    .action(async (paths: string[]) => {
      setExit(await runRulesList(paths.length ? paths : [BUNDLED_RULES], io));
    });
  return program;
}
