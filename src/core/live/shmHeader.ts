// pread of POSIX shared-memory segments (/dev/shm/NAME): ring headers at each tick and the hex peek.
// Never mmap: an owner that truncates the segment would kill the reader with SIGBUS. A pread past the
// end just returns fewer bytes. Symlinks and non-regular files (FIFOs, devices) are refused unopened.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HeaderRead } from './ringLayout';

export const SHM_DIR = '/dev/shm';
export const HEX_PEEK_BYTES = 64 * 1024;

/** /dev/shm/NAME for a segment name ("/name" or "name"); undefined for names that would escape the dir. */
export function shmPath(name: string): string | undefined {
  const base = name.startsWith('/') ? name.slice(1) : name;
  if (!base || base === '.' || base === '..' || base.includes('/') || base.includes('\0') || base.length > 255) return undefined;
  return path.join(SHM_DIR, base);
}

export interface PreadResult {
  bytes: Buffer;
  /** st_size at the time of the read. */
  size: number;
  dev: number;
  ino: number;
}

const errCode = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));

/**
 * Read `length` bytes at `offset` from a regular file without following a final symlink and without
 * blocking. Never opens anything but a regular file (see openRegular: a FIFO is never opened). Returns an
 * errno code on failure; never throws.
 */
export function preadFile(file: string, length: number, offset = 0, buf?: Buffer): PreadResult | { error: string } {
  return readOpened(openRegular(file, fs.constants.O_NOFOLLOW), length, offset, buf);
}

/**
 * Read a memfd (or any regular file) that a process holds, through /proc/PID/fd/N. The magic link is
 * followed, but only to a regular file with the expected inode (the fd number may have been reused).
 */
export function preadProcFd(pid: number, fd: number, ino: number, length: number): PreadResult | { error: string } {
  return readOpened(openRegular(`/proc/${pid}/fd/${fd}`, 0, ino), length, 0);
}

const O_PATH = 0o10000000;

/**
 * `file` opened read-only and non-blocking if it is a regular file (with inode `ino`, when given), else why not.
 * Checked on the file itself, not before opening it: first an O_PATH reference (no open handler runs, whatever
 * the file is), fstat'd, then that very file re-opened through /proc/self/fd. A stat of the path and then an open
 * of it would open whatever took its place meanwhile: a process swapping a FIFO and a memfd at one fd number had
 * the hex peek open the FIFO about one time in five.
 */
function openRegular(file: string, extraFlags: number, ino?: number): { fd: number; st: fs.Stats } | { error: string } {
  let ref: number;
  try {
    ref = fs.openSync(file, O_PATH | extraFlags);
  } catch (e) {
    return { error: errCode(e) };
  }
  try {
    const st = fs.fstatSync(ref);
    if (!st.isFile()) return { error: 'not a regular file' };
    if (ino !== undefined && st.ino !== ino) return { error: 'the descriptor now refers to another file' };
    return { fd: fs.openSync(`/proc/self/fd/${ref}`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK), st };
  } catch (e) {
    return { error: errCode(e) };
  } finally {
    fs.closeSync(ref);
  }
}

function readOpened(opened: { fd: number; st: fs.Stats } | { error: string }, length: number, offset: number, buf?: Buffer): PreadResult | { error: string } {
  if ('error' in opened) return opened;
  const { fd } = opened;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.ino !== opened.st.ino || st.dev !== opened.st.dev) return { error: 'the file changed while opening it' };
    const out = buf && buf.length >= length ? buf : Buffer.alloc(length);
    let n = 0;
    while (n < length) {
      const k = fs.readSync(fd, out, n, length - n, offset + n);
      if (k === 0) break;
      n += k;
    }
    return { bytes: out.subarray(0, n), size: st.size, dev: st.dev, ino: st.ino };
  } catch (e) {
    return { error: errCode(e) };
  } finally {
    fs.closeSync(fd);
  }
}

/** A header reader for readStable(): one open + pread + close per call, so a replaced segment is noticed. */
export function headerReader(file: string, length: number): () => HeaderRead {
  const buf = Buffer.alloc(length);
  return () => {
    const r = preadFile(file, length, 0, buf);
    if ('error' in r) return r;
    // Copy: the next read reuses the buffer and readStable compares two reads.
    return { bytes: Buffer.from(r.bytes), size: r.size };
  };
}
