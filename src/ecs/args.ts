/**
 * Splits a Windows command line the way CommandLineToArgvW does:
 * - the program name (first argument) ends at the closing quote if it starts with one, otherwise
 *   at the first space or tab; backslashes in it are literal;
 * - afterwards, spaces and tabs separate arguments outside quotes; `"` toggles quoting;
 * - 2n backslashes before a quote give n backslashes (the quote toggles), 2n+1 give n and a
 *   literal quote; backslashes not followed by a quote are literal;
 * - inside quotes, `""` gives a literal quote and ends the quoted part.
 */
export function splitCommandLine(cmd: string): string[] {
  const args: string[] = [];
  let i = 0;
  const n = cmd.length;
  while (i < n && (cmd[i] === ' ' || cmd[i] === '\t')) i++;
  if (i >= n) return args;
  if (cmd[i] === '"') {
    const end = cmd.indexOf('"', i + 1);
    args.push(end < 0 ? cmd.slice(i + 1) : cmd.slice(i + 1, end));
    i = end < 0 ? n : end + 1;
  } else {
    let j = i;
    while (j < n && cmd[j] !== ' ' && cmd[j] !== '\t') j++;
    args.push(cmd.slice(i, j));
    i = j;
  }
  while (i < n) {
    while (i < n && (cmd[i] === ' ' || cmd[i] === '\t')) i++;
    if (i >= n) break;
    let cur = '';
    let quoted = false;
    while (i < n) {
      const c = cmd[i];
      if (!quoted && (c === ' ' || c === '\t')) break;
      if (c === '\\') {
        let k = i;
        while (k < n && cmd[k] === '\\') k++;
        const count = k - i;
        if (cmd[k] === '"') {
          cur += '\\'.repeat(Math.floor(count / 2));
          if (count % 2 === 1) {
            cur += '"';
            i = k + 1;
          } else {
            i = k;
          }
        } else {
          cur += '\\'.repeat(count);
          i = k;
        }
        continue;
      }
      if (c === '"') {
        if (quoted && cmd[i + 1] === '"') {
          cur += '"';
          quoted = false;
          i += 2;
          continue;
        }
        quoted = !quoted;
        i++;
        continue;
      }
      cur += c;
      i++;
    }
    args.push(cur);
  }
  return args;
}
