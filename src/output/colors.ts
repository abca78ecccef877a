import type { Level } from '../common/index.js';

const RESET = '\u001b[0m';

/** SGR sequences per level: critical red, high orange, medium yellow, low green, informational dim. */
const LEVEL_SGR: Record<Level, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[38;5;208m',
  medium: '\u001b[33m',
  low: '\u001b[32m',
  informational: '\u001b[2m',
};

export function paintLevel(text: string, level: Level, color: boolean): string {
  return color ? `${LEVEL_SGR[level]}${text}${RESET}` : text;
}

export function bold(text: string, color: boolean): string {
  return color ? `\u001b[1m${text}${RESET}` : text;
}

export function dim(text: string, color: boolean): string {
  return color ? `\u001b[2m${text}${RESET}` : text;
}

/** Short level names for narrow columns. */
export const LEVEL_SHORT: Record<Level, string> = {
  critical: 'crit',
  high: 'high',
  medium: 'med',
  low: 'low',
  informational: 'info',
};
