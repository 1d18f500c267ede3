// koffi bindings to the libc calls the benchmark workers and runner need (loaded lazily, Linux only).

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fn = (...args: any[]) => any;

export interface Libc {
  koffi: any;
  errno(): number;
  read: Fn; write: Fn; close: Fn; pipe2: Fn; fcntl: Fn; eventfd: Fn; open: Fn; mkfifo: Fn; unlink: Fn;
  socket: Fn; bind: Fn; listen: Fn; accept: Fn; connect: Fn; send: Fn; recv: Fn; setsockopt: Fn;
  getsockopt: Fn; getsockname: Fn;
  shm_open: Fn; shm_unlink: Fn; ftruncate: Fn; mmap: Fn; munmap: Fn;
  mq_open: Fn; mq_send: Fn; mq_receive: Fn; mq_close: Fn; mq_unlink: Fn;
  msgget: Fn; msgsnd: Fn; msgrcv: Fn; msgctl: Fn;
  clock_gettime: Fn; sched_setaffinity: Fn; sigprocmask: Fn; sigwaitinfo: Fn; tgkill: Fn; prctl: Fn; getppid: Fn;
  /** syscall(2) with six long arguments (the x86-64 and aarch64 ABI pass variadic longs the same way). */
  syscall6: Fn;
  strerror: Fn;
}

let cached: Libc | null = null;

export function libc(): Libc {
  if (cached) return cached;
  if (process.platform !== 'linux') throw new Error('the IPC benchmark needs Linux');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi');
  const lib = koffi.load('libc.so.6');
  const f = (decl: string): Fn => lib.func(decl);
  cached = {
    koffi,
    errno: () => koffi.errno(),
    read: f('long read(int fd, void *buf, size_t n)'),
    write: f('long write(int fd, const void *buf, size_t n)'),
    close: f('int close(int fd)'),
    pipe2: f('int pipe2(_Out_ int *fds, int flags)'),
    fcntl: f('int fcntl(int fd, int cmd, int arg)'),
    eventfd: f('int eventfd(unsigned int initval, int flags)'),
    open: f('int open(const char *path, int flags, uint32_t mode)'),
    mkfifo: f('int mkfifo(const char *path, uint32_t mode)'),
    unlink: f('int unlink(const char *path)'),
    socket: f('int socket(int domain, int type, int protocol)'),
    bind: f('int bind(int fd, const void *addr, uint32_t len)'),
    listen: f('int listen(int fd, int backlog)'),
    accept: f('int accept(int fd, void *addr, void *len)'),
    connect: f('int connect(int fd, const void *addr, uint32_t len)'),
    send: f('long send(int fd, const void *buf, size_t n, int flags)'),
    recv: f('long recv(int fd, void *buf, size_t n, int flags)'),
    setsockopt: f('int setsockopt(int fd, int level, int name, const void *val, uint32_t len)'),
    getsockopt: f('int getsockopt(int fd, int level, int name, void *val, _Inout_ uint32_t *len)'),
    getsockname: f('int getsockname(int fd, void *addr, _Inout_ uint32_t *len)'),
    shm_open: f('int shm_open(const char *name, int flags, uint32_t mode)'),
    shm_unlink: f('int shm_unlink(const char *name)'),
    ftruncate: f('int ftruncate(int fd, int64_t len)'),
    mmap: f('void *mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)'),
    munmap: f('int munmap(void *addr, size_t len)'),
    mq_open: f('int mq_open(const char *name, int flags, uint32_t mode, void *attr)'),
    mq_send: f('int mq_send(int mqd, const void *buf, size_t n, unsigned int prio)'),
    mq_receive: f('long mq_receive(int mqd, void *buf, size_t n, void *prio)'),
    mq_close: f('int mq_close(int mqd)'),
    mq_unlink: f('int mq_unlink(const char *name)'),
    msgget: f('int msgget(int key, int flags)'),
    msgsnd: f('int msgsnd(int id, const void *msg, size_t n, int flags)'),
    msgrcv: f('long msgrcv(int id, void *msg, size_t n, long type, int flags)'),
    msgctl: f('int msgctl(int id, int cmd, void *buf)'),
    clock_gettime: f('int clock_gettime(int clock, void *ts)'),
    sched_setaffinity: f('int sched_setaffinity(int pid, size_t size, const void *mask)'),
    sigprocmask: f('int sigprocmask(int how, const void *set, void *old)'),
    sigwaitinfo: f('int sigwaitinfo(const void *set, void *info)'),
    tgkill: f('int tgkill(int tgid, int tid, int sig)'),
    prctl: f('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)'),
    getppid: f('int getppid(void)'),
    syscall6: f('long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)'),
    strerror: f('const char *strerror(int errnum)'),
  };
  return cached;
}

/** Throws an Error naming the call and errno when a libc call returned -1. */
export function check(ret: number, what: string): number {
  if (ret < 0) {
    const c = libc();
    const e = c.errno();
    throw Object.assign(new Error(`${what}: ${c.strerror(e)} (errno ${e})`), { errno: e });
  }
  return ret;
}

// Linux constants (x86-64 and aarch64 agree on all of these).
export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_CLOEXEC = 0o2000000;
export const F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
export const EFD_CLOEXEC = 0o2000000;
export const AF_UNIX = 1, AF_INET = 2;
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1, SO_RCVBUF = 8, SO_RCVTIMEO = 20, SO_RCVBUFFORCE = 33;
export const IPPROTO_TCP = 6, TCP_NODELAY = 1;
export const MSG_NOSIGNAL = 0x4000;
export const PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
export const IPC_CREAT = 0o1000, IPC_EXCL = 0o2000, IPC_RMID = 0;
export const SIG_BLOCK = 0, SIGUSR2 = 12, SIGKILL = 9;
export const PR_SET_PDEATHSIG = 1;
export const FUTEX_WAIT = 0, FUTEX_WAKE = 1;
export const CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
export const EINTR = 4, EAGAIN = 11;

export function sysFutex(): number {
  if (process.arch === 'x64') return 202;
  if (process.arch === 'arm64') return 98;
  throw new Error(`no futex syscall number for ${process.arch}`);
}

/** struct sockaddr_in for 127.0.0.1:port (port 0 lets the kernel choose). */
export function sockaddrIn(port: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(AF_INET, 0);
  b.writeUInt16BE(port, 2);
  b.set([127, 0, 0, 1], 4);
  return b;
}

/** struct sockaddr_un for a path (must fit in sun_path with its NUL). */
export function sockaddrUn(path: string): Buffer {
  const p = Buffer.from(path);
  if (p.length > 107) throw new Error(`socket path too long (${p.length} bytes): ${path}`);
  const b = Buffer.alloc(110);
  b.writeUInt16LE(AF_UNIX, 0);
  p.copy(b, 2);
  return b;
}

/** A sigset_t (128 bytes in glibc) holding one signal. */
export function sigset(sig: number): Buffer {
  const b = Buffer.alloc(128);
  b[(sig - 1) >> 3]! |= 1 << ((sig - 1) & 7);
  return b;
}
