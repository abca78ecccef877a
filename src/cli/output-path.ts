const PATTERN = /%([YmdHMSj%])/g;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/**
 * Expands strftime-style date patterns in an output path (`hits-%Y%m%d.jsonl`): %Y year, %m month,
 * %d day, %H hour, %M minute, %S second, %j day of the year, %% a percent sign. Local time, or UTC
 * when `utc` is set. A path without `%` is returned unchanged.
 */
export function expandOutputPath(path: string, now: Date, utc: boolean): string {
  if (!path.includes('%')) return path;
  const y = utc ? now.getUTCFullYear() : now.getFullYear();
  const mo = (utc ? now.getUTCMonth() : now.getMonth()) + 1;
  const d = utc ? now.getUTCDate() : now.getDate();
  const start = utc ? Date.UTC(y, 0, 1) : new Date(y, 0, 1).getTime();
  const today = utc ? Date.UTC(y, mo - 1, d) : new Date(y, mo - 1, d).getTime();
  const values: Record<string, string> = {
    Y: String(y),
    m: pad(mo),
    d: pad(d),
    H: pad(utc ? now.getUTCHours() : now.getHours()),
    M: pad(utc ? now.getUTCMinutes() : now.getMinutes()),
    S: pad(utc ? now.getUTCSeconds() : now.getSeconds()),
    j: pad(Math.round((today - start) / 86_400_000) + 1, 3),
    '%': '%',
  };
  return path.replace(PATTERN, (_, k: string) => values[k]!);
}
