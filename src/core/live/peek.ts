// Where the bytes of a shared-memory object can be read with pread (hex peek), or why they cannot.

import type { IpcObject } from '../model';
import { segmentName } from './sampler';
import { HEX_PEEK_BYTES, preadFile, preadProcFd, shmPath, type PreadResult } from './shmHeader';

export interface PeekSource {
  /** The file read (for display). */
  file: string;
  read(): PreadResult | { error: string };
}

export function peekSource(o: IpcObject, length = HEX_PEEK_BYTES): PeekSource | string {
  if (o.kind === 'posix-shm') {
    const name = segmentName(typeof o['path'] === 'string' ? o['path'] : o.name);
    const file = name === undefined ? undefined : shmPath(name);
    if (!file) return 'this segment name has no file under /dev/shm';
    return { file, read: () => preadFile(file, length, 0) };
  }
  if (o.kind === 'memfd') {
    const e = o.endpoints.find((x) => x.fd !== null);
    if (!e) return 'no process holds this memfd by a file descriptor (mapping only): it cannot be read without mapping it';
    return { file: `/proc/${e.pid}/fd/${e.fd}`, read: () => preadProcFd(e.pid, e.fd!, o.inode, length) };
  }
  if (o.kind === 'sysv-shm') return 'SysV segments have no file to pread: reading one would mean attaching it (shmat), which the inspector never does';
  return `a ${o.kind} has no shared memory to peek`;
}
