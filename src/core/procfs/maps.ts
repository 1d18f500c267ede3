// Parser for /proc/PID/maps: the file-backed mappings that can be IPC (shm, memfd, SysV), by (dev, inode).

import { makedev } from '../../../native/netlinkParse';

export interface MapEntry {
  /** st_dev in the userspace (glibc makedev) encoding, as from stat(). */
  dev: number;
  ino: number;
  /** The path as the kernel printed it, unescaped to raw bytes, without the " (deleted)" suffix. */
  path: Buffer;
  /**
   * The kernel appended " (deleted)": the file is unlinked (or a live file is literally named so:
   * ambiguous, which is why holders are joined by (dev, ino) and never by this text).
   */
  deleted: boolean;
}

export interface MapsResult {
  entries: MapEntry[];
  /** Lines that could not be read (truncated or malformed), by 1-based line number. */
  skipped: number[];
}

const DELETED = ' (deleted)';


/**
 * Parse maps text (latin1-decoded bytes). Anonymous mappings (00:00, inode 0) are dropped; every mapping of
 * a file is kept once per (dev, ino). Never throws.
 */
export function parseMaps(text: string): MapsResult {
  const entries: MapEntry[] = [];
  const skipped: number[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    // Every line ends with a newline: a last line without one was cut short (an inode "12" of "12345", a cut path).
    if (i === lines.length - 1) {
      skipped.push(i + 1);
      continue;
    }
    const e = parseMapsLine(line);
    if (e === null) {
      skipped.push(i + 1);
      continue;
    }
    if (e === undefined) continue;
    const key = `${e.dev}:${e.ino}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push(e);
  }
  return { entries, skipped };
}

const LINE = /^[0-9a-f]+-[0-9a-f]+ [-r][-w][-x][ps-] [0-9a-f]+ ([0-9a-f]+):([0-9a-f]+) (\d+)(?: +(.*))?$/;

/** One maps line: the entry, undefined for an anonymous mapping, null when malformed. */
export function parseMapsLine(line: string): MapEntry | null | undefined {
  const m = LINE.exec(line);
  if (!m) return null;
  const ino = Number(m[3]);
  if (!Number.isSafeInteger(ino)) return null;
  const major = parseInt(m[1]!, 16);
  const minor = parseInt(m[2]!, 16);
  // Anonymous mappings are 00:00 inode 0; a SysV segment with shmid 0 is inode 0 on a real device.
  if (ino === 0 && major === 0 && minor === 0) return undefined;
  if (major > 0xfff || minor > 0xfffff) return null;
  let raw = m[4] ?? '';
  const deleted = raw.endsWith(DELETED);
  if (deleted) raw = raw.slice(0, -DELETED.length);
  return { dev: makedev(major, minor), ino, path: unescapeMapsPath(raw), deleted };
}

/** maps escapes '\n' as "\012" (seq_file_path escapes "\n" only; a backslash itself is printed raw). */
export function unescapeMapsPath(s: string): Buffer {
  return Buffer.from(s.replace(/\\012/g, '\n'), 'latin1');
}

/** The maps device field ("fd:01", "00:1a") of a userspace st_dev, for a quick text pre-filter. */
export function mapsDevField(dev: number): string {
  const low = dev % 2 ** 32;
  const major = Math.floor(low / 256) & 0xfff;
  const minor = (low & 0xff) | (Math.floor(low / 4096) & 0xfff00);
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
}

/**
 * The mappings of one process on the given devices only: a pre-filter so the common case (no shm mapped)
 * costs a byte search, no decode and no parse per line. The search looks for ":MINOR " and checks " MAJOR"
 * before it: a needle that starts with ':' (about once per line) is found by memchr at memory speed, where
 * one that starts with ' ' (every few bytes) was 10x slower (7.0 against 0.7 ms for the 2.3 MB of maps of a
 * 10k-fd population, scripts/tmp/mapsearch.ts). A line only counts when its own device field is the one
 * searched for, not a path that contains the text.
 */
export function mapsOnDevices(data: Buffer | string, devFields: readonly string[]): MapEntry[] {
  const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const out: MapEntry[] = [];
  const seen = new Set<string>();
  for (const field of devFields) {
    const colon = field.indexOf(':');
    if (colon < 0) continue;
    const major = Buffer.from(` ${field.slice(0, colon)}`, 'latin1');
    const needle = Buffer.from(`${field.slice(colon)} `, 'latin1');
    let at = buf.indexOf(needle);
    while (at >= 0) {
      const from = at - major.length;
      if (from < 0 || buf.compare(major, 0, major.length, from, at) !== 0) {
        at = buf.indexOf(needle, at + 1);
        continue;
      }
      const start = buf.lastIndexOf(0x0a, from) + 1;
      const end = buf.indexOf(0x0a, at);
      if (end < 0) break;
      const e = parseMapsLine(buf.toString('latin1', start, end));
      if (e && mapsDevField(e.dev) === field) {
        const key = `${e.dev}:${e.ino}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push(e);
        }
      }
      at = buf.indexOf(needle, end);
    }
  }
  return out;
}
