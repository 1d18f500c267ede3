// Shared by the "Key:<tab>value" /proc files (status, fdinfo): split lines, report malformed ones.

export interface KeyValueLines {
  /** [key, value] in file order, value trimmed; a key may repeat (fdinfo "lock:"). */
  entries: [string, string][];
  skipped: string[];
}

/** Split "key: value" lines. Never throws; lines without a key, and a last line cut short, are listed in skipped. */
export function splitKeyValues(text: string): KeyValueLines {
  const entries: [string, string][] = [];
  const skipped: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    // The kernel ends every line with a newline: a last line without one was cut short ("Uid:\t10" of "Uid:\t1000").
    if (i === lines.length - 1) {
      skipped.push(`line ${i + 1}: cut short (no newline at the end)`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      skipped.push(`line ${i + 1}: no "key:"`);
      continue;
    }
    entries.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { entries, skipped };
}
