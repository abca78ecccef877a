/**
 * The functions of Elastic EQL: canonical name, arity, and whether a `~` (case-insensitive)
 * variant exists. Names are matched case-insensitively (`CONCAT`, `endswith~`).
 */
export interface FunctionSpec {
  name: string;
  minArgs: number;
  /** Infinity for variadic functions. */
  maxArgs: number;
  insensitiveVariant: boolean;
}

const SPECS: FunctionSpec[] = [
  { name: 'add', minArgs: 2, maxArgs: 2, insensitiveVariant: false },
  { name: 'between', minArgs: 3, maxArgs: 4, insensitiveVariant: true },
  { name: 'cidrMatch', minArgs: 2, maxArgs: Number.POSITIVE_INFINITY, insensitiveVariant: false },
  { name: 'concat', minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, insensitiveVariant: false },
  { name: 'divide', minArgs: 2, maxArgs: 2, insensitiveVariant: false },
  { name: 'endsWith', minArgs: 2, maxArgs: 2, insensitiveVariant: true },
  { name: 'indexOf', minArgs: 2, maxArgs: 3, insensitiveVariant: true },
  { name: 'length', minArgs: 1, maxArgs: 1, insensitiveVariant: false },
  { name: 'modulo', minArgs: 2, maxArgs: 2, insensitiveVariant: false },
  { name: 'multiply', minArgs: 2, maxArgs: 2, insensitiveVariant: false },
  { name: 'number', minArgs: 1, maxArgs: 2, insensitiveVariant: false },
  { name: 'startsWith', minArgs: 2, maxArgs: 2, insensitiveVariant: true },
  { name: 'string', minArgs: 1, maxArgs: 1, insensitiveVariant: false },
  { name: 'stringContains', minArgs: 2, maxArgs: 2, insensitiveVariant: true },
  { name: 'substring', minArgs: 2, maxArgs: 3, insensitiveVariant: false },
  { name: 'subtract', minArgs: 2, maxArgs: 2, insensitiveVariant: false },
];

const BY_LOWER = new Map(SPECS.map((s) => [s.name.toLowerCase(), s]));

/** Functions of the legacy (Endgame) dialect that Elastic EQL does not have. */
const LEGACY_ONLY = new Set([
  'arraycontains',
  'arraysearch',
  'arraycount',
  'match',
  'matchlite',
  'safe',
  'wildcard',
]);

export function functionSpec(name: string): FunctionSpec | undefined {
  return BY_LOWER.get(name.toLowerCase());
}

export function isLegacyFunction(name: string): boolean {
  return LEGACY_ONLY.has(name.toLowerCase());
}
