export type { HitRecord, RuleKind } from './types.js';
