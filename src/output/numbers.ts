/**
 * 14173 → "14,173" (rounded to a whole number). Written out rather than with Intl.NumberFormat,
 * whose first use loads ICU's number data: ~11 ms of every hunt's start-up, for commas.
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '∞' : '-∞';
  // Halves away from zero, as Intl rounds; whole digits even past 1e21 (where String() turns to e+).
  const whole = Math.round(Math.abs(n));
  const digits = whole >= 1e21 ? BigInt(whole).toString() : String(whole);
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) {
    const part = digits.slice(Math.max(0, end - 3), end);
    out = out === '' ? part : `${part},${out}`;
  }
  return n < 0 && whole !== 0 ? `-${out}` : out;
}

/** Bytes in binary units: "17.2 MiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Number.isInteger(v) ? v : v.toFixed(1)} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Milliseconds as "850 ms", "12.4 s" or "3 min 07 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min ${sec} s` : `${m} min ${sec} s`;
}

/** A rate with a k/M suffix: "42.3k". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '-';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k`;
  return formatCount(perSecond);
}
