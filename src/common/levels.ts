/** Sigma's severity names, in ascending order. */
export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

const ALIASES: Record<string, Level> = {
  informational: 'informational',
  info: 'informational',
  low: 'low',
  medium: 'medium',
  med: 'medium',
  high: 'high',
  critical: 'critical',
  crit: 'critical',
};

/** Parses a level name (long or short form, any case); undefined when it is not one. */
export function parseLevel(text: string): Level | undefined {
  return Object.hasOwn(ALIASES, text.toLowerCase()) ? ALIASES[text.toLowerCase()] : undefined;
}

/** 0 (informational) … 4 (critical). */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}
