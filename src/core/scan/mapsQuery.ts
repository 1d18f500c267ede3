// Whether a process maps any file of the given devices, asked with the PROCMAP_QUERY ioctl on its
// /proc/PID/maps (Linux 6.11+) instead of reading the text: one call per file-backed mapping, which returns
// its device and inode without the path. Generating the text made the kernel print and escape the path of
// every mapping (mangle_path and strchr were 8 % of a 10k-fd snapshot's CPU in `perf`), and nearly all of
// them are shared libraries on the root file system; the text is still read, as before, for the few
// processes that do map shm or memfds, and for every process where the ioctl is missing.

import { O_CLOEXEC, O_RDONLY, inspectorFds, libc } from '../../../native/libc';

/** _IOWR('f', 17, struct procmap_query), 104 bytes (include/uapi/linux/fs.h). */
const PROCMAP_QUERY = 0xc0686611;
const QUERY_SIZE = 104;
const PROCMAP_QUERY_COVERING_OR_NEXT_VMA = 0x10;
const PROCMAP_QUERY_FILE_BACKED_VMA = 0x20;

/** False once the kernel refused the ioctl (older than 6.11: ENOTTY); exported for tests, which force the text. */
export const procmapQuery = { usable: true };

// struct procmap_query as 32-bit words, in the machine's byte order (u64 fields as two words, low first on
// the little-endian machines koffi ships for): size 0-1, query_flags 2-3, query_addr 4-5, vma_start 6-7,
// vma_end 8-9, ..., inode 16-17, dev_major 18, dev_minor 19, vma_name_size 20, build_id_size 21,
// vma_name_addr 22-23, build_id_addr 24-25.
const q = new Uint32Array(QUERY_SIZE / 4);

/** Major and minor numbers of a maps device field ("00:1a", "103:12345"). */
export function devFieldNumbers(field: string): [number, number] {
  const colon = field.indexOf(':');
  return [parseInt(field.slice(0, colon), 16), parseInt(field.slice(colon + 1), 16)];
}

/**
 * True when the process (its /proc/PID directory fd) maps a file of one of the devices (majors[i],
 * minors[i]), false when it maps none, null when this cannot tell: no PROCMAP_QUERY here, the process is
 * gone or not readable (the text read then reports what it reports). Reads nothing but device numbers.
 */
export function mapsFileOnDevices(pidDirfd: number, majors: readonly number[], minors: readonly number[]): boolean | null {
  if (!procmapQuery.usable) return null;
  const c = libc();
  const fd = c.openat(pidDirfd, 'maps', O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return null;
  inspectorFds.add(fd);
  try {
    q.fill(0);
    q[0] = QUERY_SIZE;
    q[2] = PROCMAP_QUERY_COVERING_OR_NEXT_VMA | PROCMAP_QUERY_FILE_BACKED_VMA;
    for (;;) {
      if (c.ioctlBuf(fd, PROCMAP_QUERY, q) !== 0) {
        const e = c.errnoName(c.errno());
        if (e === 'ENOENT') return false; // no file-backed mapping at or after the address
        if (e === 'ENOTTY' || e === 'EINVAL') procmapQuery.usable = false;
        return null;
      }
      const major = q[18]!;
      const minor = q[19]!;
      for (let k = 0; k < majors.length; k++) if (major === majors[k] && minor === minors[k]) return true;
      // The next query starts at this mapping's end (always above its start; the top of the address space ends it).
      const lo = q[8]!;
      const hi = q[9]!;
      if (hi < q[5]! || (hi === q[5]! && lo <= q[4]!)) return null;
      q[4] = lo;
      q[5] = hi;
    }
  } finally {
    c.close(fd);
    inspectorFds.delete(fd);
  }
}
