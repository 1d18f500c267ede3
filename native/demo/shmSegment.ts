// POSIX shared memory for the ring-buffer demo processes only (they own the segment, so they may map
// it; the inspector itself never does). koffi is loaded on first use.

type KoffiModule = typeof import('koffi');
type Fn = (...args: unknown[]) => unknown;

const O_RDWR = 2;
const O_CREAT = 0o100;
const O_EXCL = 0o200;
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;

interface Shm {
  koffi: KoffiModule;
  shmOpen: Fn;
  shmUnlink: Fn;
  ftruncate: Fn;
  mmap: Fn;
  munmap: Fn;
  close: Fn;
  strerror: Fn;
}

let lib: Shm | undefined;

function shm(): Shm {
  if (lib) return lib;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as KoffiModule;
  const c = koffi.load('libc.so.6');
  lib = {
    koffi,
    shmOpen: c.func('int shm_open(const char *name, int oflag, uint32_t mode)'),
    shmUnlink: c.func('int shm_unlink(const char *name)'),
    ftruncate: c.func('int ftruncate(int fd, int64_t length)'),
    mmap: c.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
    munmap: c.func('int munmap(void *addr, size_t length)'),
    close: c.func('int close(int fd)'),
    strerror: c.func('const char *strerror(int errnum)'),
  };
  return lib;
}

const fail = (s: Shm, what: string) => new Error(`${what}: ${String(s.strerror(s.koffi.errno()))}`);

/** Typed access to a mapped segment: 64-bit atomics for the positions and byte copies for the data. */
export interface Mapped {
  readonly size: number;
  /** `view`: zero-copy view with Atomics (plain Node). `copy`: koffi decode/encode, no barriers (x86-64 only). */
  readonly mode: 'view' | 'copy';
  load64(off: number): bigint;
  store64(off: number, v: bigint): void;
  read(off: number, dst: Uint8Array): void;
  write(off: number, src: Uint8Array): void;
  close(): void;
}

/**
 * Create (`create: true`, O_EXCL, mode 0600, sized) or open an existing segment and map it shared.
 * Uses a zero-copy view with Atomics where the runtime allows external buffers, else koffi's
 * encode/decode (aligned 8-byte accesses, ordered on x86-64's TSO; the demo's only target).
 */
export function mapSegment(name: string, size: number, create: boolean): Mapped {
  const s = shm();
  const fd = s.shmOpen(name, O_RDWR | (create ? O_CREAT | O_EXCL : 0), 0o600) as number;
  if (fd < 0) throw fail(s, `shm_open(${name})`);
  let ptr: unknown = null;
  try {
    if (create && (s.ftruncate(fd, size) as number) < 0) throw fail(s, 'ftruncate');
    ptr = s.mmap(null, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ptr === null || ptr === -1n || ptr === 0n) throw fail(s, 'mmap');
  } finally {
    s.close(fd);
  }
  const p = ptr;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    s.munmap(p, size);
  };
  let view: ArrayBuffer | undefined;
  // IPC_INSPECTOR_DEMO_PORTABLE=1 forces the copy path (what runs under Electron), so tests cover it.
  if (process.env.IPC_INSPECTOR_DEMO_PORTABLE !== '1') {
    try {
      view = s.koffi.view(p, size);
    } catch {
      view = undefined; // e.g. Electron's memory cage forbids external buffers
    }
  }
  if (view) {
    const words = new BigUint64Array(view, 0, Math.floor(size / 8));
    const bytes = new Uint8Array(view);
    return {
      size, close, mode: 'view',
      load64: (off) => Atomics.load(words, off / 8),
      store64: (off, v) => void Atomics.store(words, off / 8, v),
      read: (off, dst) => dst.set(bytes.subarray(off, off + dst.length)),
      write: (off, src) => bytes.set(src, off),
    };
  }
  const k = s.koffi;
  return {
    size, close, mode: 'copy',
    load64: (off) => BigInt(k.decode(p, off, 'uint64') as number | bigint),
    store64: (off, v) => k.encode(p, off, 'uint64', v),
    read: (off, dst) => dst.set(k.decode(p, off, k.array('uint8', dst.length, 'Typed')) as Uint8Array),
    write: (off, src) => k.encode(p, off, k.array('uint8', src.length, 'Typed'), src),
  };
}

/** shm_unlink; true when it removed the name. */
export function unlinkSegment(name: string): boolean {
  const s = shm();
  return (s.shmUnlink(name) as number) === 0;
}
