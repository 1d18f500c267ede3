// Lazy koffi bindings to the few libc calls the engine needs (ioctl/fcntl on pipes, netlink sockets).
// koffi is required on first use only, so importing this module never loads native code.

import { makedev } from './netlinkParse';

/** Constants for x86-64/aarch64 Linux (the only platforms the extension ships for). */
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = 0o200000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_EMPTY_PATH = 0x1000;
/** statx: take the attributes the kernel has cached; a network file system is not asked (no hang on a dead server). */
export const AT_STATX_DONT_SYNC = 0x4000;
export const STATX_TYPE = 0x1;
export const STATX_MODE = 0x2;
export const STATX_UID = 0x8;
export const STATX_INO = 0x100;
export const STATX_SIZE = 0x200;
export const STATX_BUF_SIZE = 256;
/** struct statfs on 64-bit Linux: 120 bytes; f_type (a long) first. */
export const STATFS_BUF_SIZE = 128;
/** statfs f_type of an mqueue file system (include/uapi/linux/magic.h). */
export const MQUEUE_MAGIC = 0x19800202;
export const S_IFMT = 0o170000;
export const S_IFIFO = 0o010000;
export const S_IFSOCK = 0o140000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const FIONREAD = 0x541b;
export const F_GETPIPE_SZ = 1032;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = 0o2000000;
export const NETLINK_SOCK_DIAG = 4;
export const MSG_DONTWAIT = 0x40;
export const MSG_TRUNC = 0x20;
export const CLONE_NEWNET = 0x40000000;
export const SOL_SOCKET = 1;
export const SO_RCVTIMEO = 20;
export const EINTR = 4;
export const EAGAIN = 11;
export const IPC_STAT = 2;
/** struct mq_attr: 8 longs (4 used, 4 reserved). */
export const MQ_ATTR_SIZE = 64;
/** struct msqid_ds on 64-bit Linux: 120 bytes; msg_qnum at 80, msg_qbytes at 88. */
export const MSQID_DS_SIZE = 128;
export const MFD_CLOEXEC = 1;
export const EFD_CLOEXEC = 0o2000000;
export const SYS_PIDFD_OPEN = 434;
export const SYS_PIDFD_GETFD = 438;
export const SYS_PIDFD_SEND_SIGNAL = 424;

/**
 * A set of fd numbers as a growable byte map: add/delete/has are a byte store or load (a Set's hash
 * inserts and deletes cost ~0.15 µs each, paid several times per sampled pipe).
 */
export class FdSet {
  private bits = new Uint8Array(1024);

  add(fd: number): void {
    if (fd < 0) return;
    if (fd >= this.bits.length) {
      let n = this.bits.length * 2;
      while (n <= fd) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[fd] = 1;
  }

  delete(fd: number): void {
    if (fd >= 0 && fd < this.bits.length) this.bits[fd] = 0;
  }

  has(fd: number): boolean {
    return fd >= 0 && fd < this.bits.length && this.bits[fd] === 1;
  }
}

/**
 * File descriptors the inspector itself holds open right now (netlink socket, /proc directory fds,
 * sampling fds): the fd walk of the inspector's own process skips them.
 */
export const inspectorFds = new FdSet();

export interface Libc {
  /** open(2); returns -1 and sets errno on failure. */
  open(path: string, flags: number, mode: number): number;
  /** open(2) of a raw NUL-terminated byte path (names that are not valid UTF-8). */
  openBytes(path: Uint8Array, flags: number): number;
  /** openat(2) relative to a directory fd. */
  openat(dirfd: number, path: string, flags: number, mode: number): number;
  close(fd: number): number;
  read(fd: number, buf: Uint8Array, len: number): number;
  /** pread(2): reads at `offset` without moving the file position (shared with the holder for a pidfd duplicate). */
  pread(fd: number, buf: Uint8Array, len: number, offset: number): number;
  /** fstatfs(2) into a STATFS_BUF_SIZE buffer (an O_PATH fd will do); f_type is the long at offset 0. */
  fstatfs(fd: number, buf: Uint8Array): number;
  /** pipe2(2): fills fds[0] (read end) and fds[1] (write end). */
  pipe2(fds: Int32Array, flags: number): number;
  /** statx(2) into a STATX_BUF_SIZE buffer; decode with readStatx(). */
  statx(dirfd: number, path: string, flags: number, mask: number, buf: Uint8Array): number;
  /** statx(2) of a path given as raw bytes ending in NUL (file names need not be UTF-8). */
  statxBytes(dirfd: number, path: Uint8Array, flags: number, mask: number, buf: Uint8Array): number;
  /** getdents64(2) on a directory fd; decode with parseDirents(). */
  getdents64(fd: number, buf: Uint8Array, len: number): number;
  readlinkat(dirfd: number, path: string, buf: Uint8Array, len: number): number;
  /** ioctl(fd, req, int *out): `out` receives the int result (e.g. FIONREAD). */
  ioctlInt(fd: number, request: number, out: Int32Array): number;
  /** ioctl(2) whose argument is a struct in `arg` (read and written by the kernel). */
  ioctlBuf(fd: number, request: number, arg: ArrayBufferView): number;
  /** fcntl(fd, cmd, arg) for integer commands such as F_GETPIPE_SZ. */
  fcntl(fd: number, cmd: number, arg: number): number;
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Uint8Array, addrlen: number): number;
  sendto(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array | null, addrlen: number): number;
  recv(fd: number, buf: Uint8Array, len: number, flags: number): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, len: number): number;
  /** setns(2): moves the CALLING THREAD into the namespace of nsfd. */
  setns(nsfd: number, nstype: number): number;
  /** mq_open(name, oflag) without O_CREAT; `name` is the raw NUL-terminated bytes ("/name\0"). */
  mqOpen(name: Uint8Array, oflag: number): number;
  /** mq_getattr into a MQ_ATTR_SIZE buffer (mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs as longs). */
  mqGetattr(mqd: number, attr: Uint8Array): number;
  mqClose(mqd: number): number;
  /** msgctl(IPC_STAT) into a MSQID_DS_SIZE buffer; read-only, consumes nothing. */
  msgctlStat(msqid: number, buf: Uint8Array): number;
  eventfd(initval: number, flags: number): number;
  memfdCreate(name: string, flags: number): number;
  /** pidfd_open(2) (Linux 5.3): an fd that refers to the process `pid` itself, never to a reused pid. */
  pidfdOpen(pid: number): number;
  /**
   * pidfd_getfd(2) (Linux 5.6): a duplicate of fd `targetfd` of that process, sharing its open file
   * description: no open handler runs. Needs ptrace-attach rights over the process.
   */
  pidfdGetfd(pidfd: number, targetfd: number): number;
  /** pidfd_send_signal(2) (Linux 5.1): signal the process the pidfd refers to (ESRCH once it has exited). */
  pidfdSendSignal(pidfd: number, sig: number): number;
  /** bpf(2) through syscall(2) (glibc has no wrapper); `attr` is the union bpf_attr of the command. */
  bpf(cmd: number, attr: Uint8Array, size: number): number;
  /** The address of a buffer's bytes, for pointers inside a bpf_attr (valid while the buffer is referenced). */
  addressOf(buf: Uint8Array): bigint;
  /**
   * A private read-only mapping of `len` bytes of fd (a kernel-made file such as /sys/kernel/btf/vmlinux,
   * never another program's shared memory: see DEVELOPERS.md), or null. The bytes must not be touched after
   * unmap().
   */
  mapReadOnly(fd: number, len: number): { bytes: Uint8Array; unmap(): void } | null;
  /** sysconf(_SC_PAGESIZE). */
  pageSize(): number;
  /** errno of the last failed call on this thread. */
  errno(): number;
  /** Symbolic name of an errno value ("EACCES"), or "errno N". */
  errnoName(code: number): string;
}

type KoffiModule = typeof import('koffi');
type Fn = (...args: unknown[]) => number;

let cached: Libc | undefined;
let failure: Error | undefined;

/**
 * The libc bindings, loaded once. Throws an Error whose message starts with
 * "native layer failed to load:" when koffi or libc cannot be loaded; the error is cached too.
 */
export function libc(): Libc {
  if (cached) return cached;
  if (failure) throw failure;
  try {
    cached = load();
    return cached;
  } catch (e) {
    failure = new Error(`native layer failed to load: ${e instanceof Error ? e.message : String(e)}`);
    throw failure;
  }
}

/** The load error, if libc() has failed (without retrying). */
export function libcFailure(): Error | undefined {
  return failure;
}

function load(): Libc {
  if (process.platform !== 'linux') throw new Error(`unsupported platform ${process.platform}`);
  // A plain require keeps koffi external in the esbuild bundles and lazy here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as KoffiModule;
  const lib = koffi.load('libc.so.6');
  // Variadic libc functions (open, ioctl, fcntl) are declared with fixed arguments: on the Linux
  // x86-64 and aarch64 ABIs integer/pointer varargs are passed exactly like fixed ones, and fixed
  // declarations avoid koffi's slower variadic call path.
  const f = (decl: string): Fn => lib.func(decl) as unknown as Fn;
  const open = f('int open(const char *path, int flags, int mode)');
  const openat = f('int openat(int dirfd, const char *path, int flags, int mode)');
  const openBytes = f('int open(const void *path, int flags, int mode)');
  const close = f('int close(int fd)');
  const read = f('intptr_t read(int fd, void *buf, size_t len)');
  const pread = f('intptr_t pread(int fd, void *buf, size_t len, int64_t offset)');
  const fstatfs = f('int fstatfs(int fd, void *buf)');
  const pipe2 = f('int pipe2(void *fds, int flags)');
  const statx = f('int statx(int dirfd, const char *path, int flags, unsigned int mask, void *buf)');
  const statxBytes = f('int statx(int dirfd, const void *path, int flags, unsigned int mask, void *buf)');
  const getdents64 = f('intptr_t getdents64(int fd, void *buf, size_t len)');
  const readlinkat = f('intptr_t readlinkat(int dirfd, const char *path, void *buf, size_t len)');
  const ioctl = f('int ioctl(int fd, unsigned long request, void *out)');
  const fcntl = f('int fcntl(int fd, int cmd, long arg)');
  const socket = f('int socket(int domain, int type, int protocol)');
  const bind = f('int bind(int fd, const void *addr, uint32_t addrlen)');
  const sendto = f('intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)');
  const recv = f('intptr_t recv(int fd, void *buf, size_t len, int flags)');
  const setsockopt = f('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)');
  const setns = f('int setns(int fd, int nstype)');
  const mqOpen = f('int mq_open(const void *name, int oflag)');
  const mqGetattr = f('int mq_getattr(int mqd, void *attr)');
  const mqClose = f('int mq_close(int mqd)');
  const msgctl = f('int msgctl(int msqid, int cmd, void *buf)');
  const eventfd = f('int eventfd(unsigned int initval, int flags)');
  const memfdCreate = f('int memfd_create(const char *name, unsigned int flags)');
  // syscall(2) is variadic; integer arguments travel as fixed ones on x86-64/aarch64 (see above). The
  // numbers are the same on both (the unified syscall table since 5.x).
  const syscall3 = f('long syscall(long number, long a, long b, long c)');
  const syscall4 = f('long syscall(long number, long a, long b, long c, long d)');
  const syscallPtr = f('long syscall(long number, long a, void *b, long c)');
  const mmap = lib.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)');
  const munmap = lib.func('int munmap(void *addr, size_t len)');
  const sysconf = f('long sysconf(int name)');
  const pageSize = sysconf(30 /* _SC_PAGESIZE */);
  // bpf(2) is one of the calls whose number differs between the two (321 on x86-64, 280 on aarch64).
  const sysBpf = process.arch === 'arm64' ? 280 : 321;
  const names = new Map<number, string>();
  for (const [name, code] of Object.entries(koffi.os.errno as Record<string, number>)) {
    if (!names.has(code)) names.set(code, name);
  }
  return {
    open: (p, flags, mode) => open(p, flags, mode),
    openat: (d, p, flags, mode) => openat(d, p, flags, mode),
    openBytes: (p, flags) => openBytes(p, flags, 0),
    close: (fd) => close(fd),
    read: (fd, b, l) => read(fd, b, l),
    pread: (fd, b, l, o) => pread(fd, b, l, o),
    fstatfs: (fd, b) => fstatfs(fd, b),
    pipe2: (fds, flags) => pipe2(fds, flags),
    statx: (d, p, flags, mask, b) => statx(d, p, flags, mask, b),
    statxBytes: (d, p, flags, mask, b) => statxBytes(d, p, flags, mask, b),
    getdents64: (fd, b, l) => getdents64(fd, b, l),
    readlinkat: (d, p, b, l) => readlinkat(d, p, b, l),
    ioctlInt: (fd, req, out) => ioctl(fd, req, out),
    ioctlBuf: (fd, req, arg) => ioctl(fd, req, arg),
    fcntl: (fd, cmd, arg) => fcntl(fd, cmd, arg),
    socket: (d, t, p) => socket(d, t, p),
    bind: (fd, a, l) => bind(fd, a, l),
    sendto: (fd, b, l, fl, a, al) => sendto(fd, b, l, fl, a, al),
    recv: (fd, b, l, fl) => recv(fd, b, l, fl),
    setsockopt: (fd, lv, n, v, l) => setsockopt(fd, lv, n, v, l),
    setns: (fd, t) => setns(fd, t),
    mqOpen: (n, o) => mqOpen(n, o),
    mqGetattr: (q, a) => mqGetattr(q, a),
    mqClose: (q) => mqClose(q),
    msgctlStat: (id, b) => msgctl(id, IPC_STAT, b),
    eventfd: (v, fl) => eventfd(v, fl),
    memfdCreate: (n, fl) => memfdCreate(n, fl),
    pidfdOpen: (pid) => syscall3(SYS_PIDFD_OPEN, pid, 0, 0),
    pidfdGetfd: (pidfd, fd) => syscall3(SYS_PIDFD_GETFD, pidfd, fd, 0),
    // (info NULL: the kernel fills in a siginfo as kill(2) does; flags 0.)
    pidfdSendSignal: (pidfd, sig) => syscall4(SYS_PIDFD_SEND_SIGNAL, pidfd, sig, 0, 0),
    bpf: (cmd, attr, size) => syscallPtr(sysBpf, cmd, attr, size),
    addressOf: (buf) => koffi.address(buf),
    mapReadOnly: (fd, len) => {
      const p = mmap(null, len, 1 /* PROT_READ */, 2 /* MAP_PRIVATE */, fd, 0) as unknown;
      const at = p === null ? 0n : koffi.address(p);
      if (at === 0n || at === 0xffffffffffffffffn) return null; // MAP_FAILED
      let mapped = true;
      return {
        bytes: new Uint8Array(koffi.view(p, len)),
        unmap: () => {
          if (mapped) munmap(p, len);
          mapped = false;
        },
      };
    },
    pageSize: () => pageSize,
    errno: () => koffi.errno(),
    errnoName: (code) => names.get(code) ?? `errno ${code}`,
  };
}

export interface StatxFields {
  mode: number;
  uid: number;
  ino: number;
  size: number;
  /** st_dev in the userspace (glibc makedev) encoding, equal to Node's fs.stat().dev. */
  dev: number;
}

/**
 * A struct statx buffer read through typed-array views, for the hot paths (a statx per fd of every process).
 * Buffer's readUInt16LE/readUInt32LE are one function for every Buffer of the process, so once inlined into
 * the walk their element loads were megamorphic (about 4 % of a snapshot's CPU in `perf`, 2 threads, 10k
 * fds); loads through these views are the walk's own. The struct is in the machine's byte order, as the views.
 */
export class StatxBuf {
  /** The bytes, to pass to statx(). */
  readonly buf: Buffer;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;

  constructor() {
    const ab = new ArrayBuffer(STATX_BUF_SIZE);
    this.buf = Buffer.from(ab);
    this.u16 = new Uint16Array(ab);
    this.u32 = new Uint32Array(ab);
  }

  /** stx_mode (type and permission bits). */
  mode(): number {
    return this.u16[14]!; // offset 28
  }

  uid(): number {
    return this.u32[5]!; // offset 20
  }

  ino(): number {
    return this.u32[8]! + this.u32[9]! * 2 ** 32; // offset 32
  }

  size(): number {
    return this.u32[10]! + this.u32[11]! * 2 ** 32; // offset 40
  }

  devMajor(): number {
    return this.u32[34]!; // offset 136
  }

  /** st_dev in the userspace (glibc makedev) encoding, as readStatx().dev. */
  dev(): number {
    return makedev(this.u32[34]!, this.u32[35]!); // offsets 136, 140
  }
}

/** An unsigned 64-bit little-endian field as a number, without allocating a BigInt (hot in the fd walk). */
export function u64(b: Buffer, off: number): number {
  return b.readUInt32LE(off) + b.readUInt32LE(off + 4) * 2 ** 32;
}

/** Decode the fields of struct statx the engine uses (fixed layout on every architecture). */
export function readStatx(b: Buffer): StatxFields {
  const devMajor = b.readUInt32LE(136);
  const devMinor = b.readUInt32LE(140);
  return {
    mode: b.readUInt16LE(28),
    uid: b.readUInt32LE(20),
    ino: u64(b, 32),
    size: u64(b, 40),
    dev: makedev(devMajor, devMinor),
  };
}

/** Names in a getdents64 buffer of n bytes (struct linux_dirent64 records), without "." and "..". */
export function parseDirents(b: Buffer, n: number, out: string[]): void {
  let off = 0;
  while (off + 19 < n) {
    // (Byte loads rather than readUInt16LE: see StatxBuf.)
    const reclen = b[off + 16]! | (b[off + 17]! << 8);
    if (reclen < 20 || off + reclen > n) break;
    let end = off + 19;
    const stop = off + reclen;
    while (end < stop && b[end] !== 0) end++;
    const name = b.toString('latin1', off + 19, end);
    if (name !== '.' && name !== '..') out.push(name);
    off += reclen;
  }
}
