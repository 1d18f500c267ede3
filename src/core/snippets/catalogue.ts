// The snippet catalogue: which snippet exists for which mechanism and language, its deps, pairs and expected output.
//
// Sources live in snippets/<language>/<id>.<ext> (VS Code snippet syntax). Every entry here must have a source
// file and vice versa (checked by test/unit/snippets.test.ts); `npm run test:snippets` compiles and runs them all.

import type { CrateDep, Mechanism, MechanismId, Role, SnippetEntry, SnippetLanguage, Unavailable } from './types';

export const MECHANISMS: readonly Mechanism[] = [
  { id: 'pipe-child', title: 'Anonymous pipe to a child', summary: "Feed a child's stdin and read its stdout without deadlock." },
  { id: 'fifo', title: 'FIFO (named pipe)', summary: 'Create a FIFO safely, write numbered lines, read them until EOF, clean up.' },
  { id: 'pipe-size', title: 'Pipe buffer size', summary: 'F_GETPIPE_SZ / F_SETPIPE_SZ, and proof of the capacity by filling the pipe.' },
  { id: 'pipe-nonblocking', title: 'Non-blocking pipe', summary: 'O_NONBLOCK reads: EAGAIN means "nothing yet", poll() waits for data.' },
  { id: 'unix-stream', title: 'Unix stream socket', summary: 'Server with 0600 socket in a fresh 0700 directory, removed on exit and on signals; client.' },
  { id: 'unix-abstract', title: 'Abstract Unix socket', summary: 'Linux abstract namespace: no file, no permissions, so check who connected.' },
  { id: 'fd-passing', title: 'File descriptor passing', summary: 'SCM_RIGHTS over a Unix socket: hand an open file to another process.' },
  { id: 'peer-credentials', title: 'Peer credentials', summary: 'SO_PEERCRED: pid/uid/gid of the process at the other end, to authorise it.' },
  { id: 'tcp', title: 'TCP server and client', summary: 'TCP_NODELAY, read/write timeouts, keepalive, connect timeout, line echo.' },
  { id: 'udp', title: 'UDP server and client', summary: 'Datagram echo with truncation-safe buffers, connect(), timeout and bounded resend.' },
  { id: 'shm-ring', title: 'Shared-memory ring', summary: 'POSIX shm single-producer/single-consumer ring without data races.' },
  { id: 'mmap-file', title: 'Memory-mapped file', summary: 'Write through a shared file mapping, msync, read it from another process.' },
  { id: 'signals', title: 'Signal handling', summary: 'Handlers installed before "ready", acks because standard signals coalesce, clean SIGTERM.' },
  { id: 'mqueue', title: 'POSIX message queue', summary: 'mq_open with limits, priorities (highest first), non-blocking receive, unlink.' },
  { id: 'mpmc-channel', title: 'Bounded MPMC channel', summary: 'Bounded multi-producer multi-consumer queue with select/priority, in one process.' },
  { id: 'framed-protocol', title: 'Framed message protocol', summary: 'Length prefix, size limit before allocating, input validation, over a stream socket.' },
  { id: 'ipc-channel', title: 'IpcChannel abstraction', summary: "The seed's cross-platform channel done right: framed messages, Unix socket or TCP." },
];

const libc: CrateDep = { name: 'libc', version: '0.2' };
const signalHook: CrateDep = { name: 'signal-hook', version: '0.3' };

interface LangDetails {
  description?: string;
  crates?: CrateDep[];
  libs?: string[];
  requires?: string;
  expect?: string[];
}

interface Spec {
  id: string;
  mechanism: MechanismId;
  title: string;
  description: string;
  role?: Role;
  peer?: string;
  expect: string[];
  inProcess?: boolean;
  /** Languages that have this snippet, with what differs per language. */
  langs: Partial<Record<SnippetLanguage, LangDetails>>;
}

const SPECS: Spec[] = [
  {
    id: 'pipe-child', mechanism: 'pipe-child', title: 'Pipe to a child process',
    description: "Pipe lines into a child (grep) and read its output concurrently, checking its exit status",
    expect: ['child returned 2 of 4 lines', 'error: disk full', 'error: gave up'],
    langs: {
      rust: { description: "Pipe lines into a child's stdin from a thread while reading its stdout; check the exit status" },
      c: { description: 'pipe2 + fork/exec + dup2, a writer thread for stdin, getline on stdout, waitpid', libs: ['-pthread'] },
      python: { description: 'subprocess.run(input=...) feeds stdin and drains stdout together (no deadlock), with a timeout' },
      typescript: { description: 'child_process.spawn: stream to stdin, collect stdout, check the exit code, with a timeout' },
    },
  },
  {
    id: 'fifo-reader', mechanism: 'fifo', title: 'FIFO reader (creates it)', role: 'reader', peer: 'fifo-writer',
    description: 'mkfifo 0600 in a private 0700 directory, read numbered lines until EOF, remove it on exit and on SIGINT/SIGTERM',
    expect: ['received 3: hello through a FIFO', 'received 3 lines'],
    langs: {
      rust: { crates: [libc, signalHook] },
      c: {},
      python: {},
      typescript: { description: 'mkfifo(1) (Node has no mkfifo) in a private 0700 directory, read lines until EOF, remove it (on signals too)' },
    },
  },
  {
    id: 'fifo-writer', mechanism: 'fifo', title: 'FIFO writer', role: 'writer', peer: 'fifo-reader',
    description: 'Open an existing FIFO for writing and send numbered lines, each within PIPE_BUF (atomic)',
    expect: ['sent 3 lines'],
    langs: { rust: {}, c: {}, python: {}, typescript: {} },
  },
  {
    id: 'pipe-size', mechanism: 'pipe-size', title: 'Pipe buffer size',
    description: 'Read and raise the pipe capacity with F_GETPIPE_SZ/F_SETPIPE_SZ, then fill it to prove the size',
    expect: ['pipe size now: 1048576 bytes', 'filled and drained 1048576 bytes'],
    langs: { rust: { crates: [libc] }, c: {}, python: { requires: 'Python 3.10+ (fcntl.F_SETPIPE_SZ)' } },
  },
  {
    id: 'pipe-nonblocking', mechanism: 'pipe-nonblocking', title: 'Non-blocking pipe reads',
    description: "O_NONBLOCK on a child's output pipe: EAGAIN means nothing yet, poll() waits with a deadline",
    expect: ['read 5 lines without blocking'],
    langs: { rust: { crates: [libc] }, c: {}, python: {} },
  },
  {
    id: 'unix-stream-server', mechanism: 'unix-stream', title: 'Unix stream socket server', role: 'server', peer: 'unix-stream-client',
    description: 'Unix socket server: 0600 socket in a fresh 0700 directory, bounded lines, cleanup on exit and on SIGINT/SIGTERM',
    expect: ['hello over a Unix socket'],
    langs: { rust: { crates: [signalHook] }, c: {}, python: {}, typescript: {} },
  },
  {
    id: 'unix-stream-client', mechanism: 'unix-stream', title: 'Unix stream socket client', role: 'client', peer: 'unix-stream-server',
    description: 'Connect to a Unix socket path with timeouts, send a line, half-close, check the reply',
    expect: ['server replied: echo: hello over a Unix socket'],
    langs: { rust: {}, c: {}, python: {}, typescript: {} },
  },
  {
    id: 'unix-abstract', mechanism: 'unix-abstract', title: 'Abstract-namespace Unix socket',
    description: 'Linux abstract socket (no file to clean up) with a unique name; the server checks the peer uid',
    expect: ['server got: hello over an abstract socket'],
    langs: {
      rust: { crates: [libc] },
      c: {},
      python: {},
      typescript: { description: 'Linux abstract socket with net (leading NUL); Node cannot check the peer uid: authenticate in the protocol' },
    },
  },
  {
    id: 'fd-passing', mechanism: 'fd-passing', title: 'Pass a file descriptor (SCM_RIGHTS)',
    description: 'Send an open, already unlinked file to another process over a Unix socket; it reads it with pread',
    expect: ['child read through the passed fd: contents only reachable through the passed fd'],
    langs: { rust: { crates: [libc] }, c: {}, python: { requires: 'Python 3.9+ (socket.send_fds)' } },
  },
  {
    id: 'peer-credentials', mechanism: 'peer-credentials', title: 'Peer credentials (SO_PEERCRED)',
    description: "Read the connecting process's pid/uid/gid from the kernel and allow only our own uid",
    expect: ['authorised pid', 'read: request from a client'],
    langs: { rust: { crates: [libc] }, c: {}, python: {} },
  },
  {
    id: 'tcp-server', mechanism: 'tcp', title: 'TCP server', role: 'server', peer: 'tcp-client',
    description: 'TCP line-echo server with TCP_NODELAY, read/write timeouts and keepalive on every connection',
    expect: ['hello over TCP'],
    langs: { rust: { crates: [libc] }, c: {}, python: {}, typescript: {} },
  },
  {
    id: 'tcp-client', mechanism: 'tcp', title: 'TCP client', role: 'client', peer: 'tcp-server',
    description: 'TCP client: connect timeout over every resolved address, TCP_NODELAY, timeouts, check the reply',
    expect: ['server replied: echo: hello over TCP'],
    langs: { rust: {}, c: {}, python: {}, typescript: {} },
  },
  {
    id: 'udp-server', mechanism: 'udp', title: 'UDP server', role: 'server', peer: 'udp-client',
    description: 'UDP echo server: buffer larger than any datagram (no silent truncation), validate before use',
    expect: ['echoed 14 bytes'],
    langs: { rust: {}, c: {}, python: {}, typescript: {} },
  },
  {
    id: 'udp-client', mechanism: 'udp', title: 'UDP client', role: 'client', peer: 'udp-server',
    description: 'UDP client: connect() to the server, receive timeout, bounded resend, check the reply',
    expect: ['server replied: echo: hello over UDP'],
    langs: { rust: {}, c: {}, python: {}, typescript: {} },
  },
  {
    id: 'shm-ring-producer', mechanism: 'shm-ring', title: 'Shared-memory ring producer', role: 'producer', peer: 'shm-ring-consumer',
    description: 'shm_open O_EXCL 0600 + mmap; SPSC ring with atomic head/tail (release/acquire); unlink when done or on SIGINT/SIGTERM',
    expect: ['sent 1000 messages through 64 slots'],
    langs: { rust: { crates: [libc, signalHook] }, c: { libs: ['-lrt'] } },
  },
  {
    id: 'shm-ring-consumer', mechanism: 'shm-ring', title: 'Shared-memory ring consumer', role: 'consumer', peer: 'shm-ring-producer',
    description: "Attach to the producer's shm ring, check its size, pop messages with validated lengths",
    expect: ['received 1000 messages in order'],
    langs: { rust: { crates: [libc] }, c: { libs: ['-lrt'] } },
  },
  {
    id: 'shm-ring', mechanism: 'shm-ring', title: 'Shared-memory ring (producer and consumer processes)',
    description: 'multiprocessing.shared_memory ring between two processes; no atomics in Python, so semaphores hand slots over',
    expect: ['received 1000 messages in order', 'sent 1000 messages through 64 slots'],
    langs: { python: {} },
  },
  {
    id: 'mmap-file', mechanism: 'mmap-file', title: 'Memory-mapped file',
    description: 'Size a private file, write a length-prefixed record through a shared mapping, flush, read it in another process',
    expect: ['reader saw: hello through a memory-mapped file'],
    langs: { rust: { crates: [{ name: 'memmap2', version: '0.5' }] }, c: {}, python: {} },
  },
  {
    id: 'signals', mechanism: 'signals', title: 'Signal handling',
    description: 'A child handles SIGUSR1 (acknowledging each, since signals coalesce) and exits cleanly on SIGTERM',
    expect: ['child acknowledged: got SIGUSR1 #3', 'got SIGTERM after 3'],
    langs: {
      rust: { description: 'signal-hook iterator thread: handle SIGUSR1 with acks (signals coalesce), exit cleanly on SIGTERM', crates: [signalHook, libc] },
      c: { description: 'sigaction handlers that only set flags, sigsuspend with the signals blocked (no lost wake-up), acks' },
      python: { description: 'Block the signals, take them with sigwaitinfo (race-free, shows the sender pid), ack each one' },
      typescript: {
        description: "process.on('SIGUSR2') in a child (SIGUSR1 is Node's inspector signal), acks, clean exit on SIGTERM",
        expect: ['child acknowledged: got SIGUSR2 #3', 'got SIGTERM after 3'],
      },
    },
  },
  {
    id: 'mqueue', mechanism: 'mqueue', title: 'POSIX message queue with priorities',
    description: 'mq_open O_EXCL 0600 with limits, send with priorities, a child receives highest first (non-blocking), unlink',
    expect: ['received priority 9: urgent alarm', 'received in priority order'],
    langs: { rust: { crates: [libc] }, c: { libs: ['-lrt'] } },
  },
  {
    id: 'mpmc-channel', mechanism: 'mpmc-channel', title: 'Bounded MPMC channel', inProcess: true,
    description: 'Bounded multi-producer multi-consumer channel between threads of one process',
    expect: ['workers took 300 jobs and 10 urgent jobs, each exactly once'],
    langs: {
      rust: { description: 'crossbeam bounded channels with select!, disconnect handling and an idle timeout (threads of one process)', crates: [{ name: 'crossbeam-channel', version: '0.5' }] },
      c: { description: 'Bounded channels from a mutex and condvars, with a select over several of them (threads of one process)', libs: ['-pthread'] },
      python: { description: 'queue.PriorityQueue(maxsize) shared by threads; no select in the stdlib, so urgency is a priority (one process)' },
    },
  },
  {
    id: 'framed-protocol', mechanism: 'framed-protocol', title: 'Framed message protocol',
    description: '4-byte big-endian length prefix, limit checked before allocating, validated payloads, one write per frame',
    expect: ['ok: first message', 'rejected frame of 1048577 bytes'],
    langs: { rust: {}, c: {}, python: {}, typescript: { description: 'Length-prefixed frames over a Unix socket with a streaming decoder (chunks split and merge frames)' } },
  },
  {
    id: 'ipc-channel', mechanism: 'ipc-channel', title: 'IpcChannel (Unix socket or TCP)',
    description: 'IpcChannel with framed send/recv of whole messages and a connect() factory: unix:/path or host:port, no panics',
    expect: ['127.0.0.1:', 'unix:', 'echoed 24000 bytes intact'],
    langs: { rust: {}, c: {}, python: {}, typescript: {} },
  },
];

export const UNAVAILABLE: readonly Unavailable[] = [
  { mechanism: 'mqueue', language: 'python', reason: 'The standard library has no POSIX message queues (posix_ipc is a PyPI package; Debian only ships the System V python3-sysv-ipc).' },
  { mechanism: 'pipe-size', language: 'typescript', reason: 'Node has no fcntl(): F_GETPIPE_SZ/F_SETPIPE_SZ are not reachable with built-in modules.' },
  { mechanism: 'pipe-nonblocking', language: 'typescript', reason: 'Node has no fcntl(); libuv already runs every pipe it manages in O_NONBLOCK mode and delivers data as events (see ipc-pipe-child).' },
  { mechanism: 'fd-passing', language: 'typescript', reason: 'Node has no SCM_RIGHTS API; subprocess.send(msg, handle) can pass only net sockets/servers, and only to Node children over its IPC channel.' },
  { mechanism: 'peer-credentials', language: 'typescript', reason: 'Node cannot read SO_PEERCRED (no getsockopt in net).' },
  { mechanism: 'shm-ring', language: 'typescript', reason: 'Node has no shm_open/mmap; SharedArrayBuffer with Atomics is shared only between worker_threads of one process.' },
  { mechanism: 'mmap-file', language: 'typescript', reason: 'Node core has no mmap().' },
  { mechanism: 'mqueue', language: 'typescript', reason: 'Node has no mq_open/mq_send/mq_receive.' },
  { mechanism: 'mpmc-channel', language: 'typescript', reason: "Node has no bounded MPMC queue or select: worker_threads' MessageChannel is unbounded and point-to-point." },
];

/** Completion prefix: `ipc-` + id, once (the id `ipc-channel` is the prefix itself, not `ipc-ipc-channel`). */
function snippetPrefix(id: string): string {
  return id.startsWith('ipc-') ? id : `ipc-${id}`;
}

function buildEntries(): SnippetEntry[] {
  const out: SnippetEntry[] = [];
  for (const spec of SPECS) {
    for (const [language, d] of Object.entries(spec.langs) as [SnippetLanguage, LangDetails][]) {
      const entry: SnippetEntry = {
        id: spec.id,
        language,
        mechanism: spec.mechanism,
        prefix: snippetPrefix(spec.id),
        title: spec.title,
        description: d.description ?? spec.description,
        crates: d.crates ?? [],
        libs: d.libs ?? [],
        expect: d.expect ?? spec.expect,
      };
      if (d.requires) entry.requires = d.requires;
      if (spec.role) entry.role = spec.role;
      if (spec.peer) entry.peer = spec.peer;
      if (spec.inProcess) entry.inProcess = true;
      out.push(entry);
    }
  }
  return out;
}

/** Every snippet, in catalogue order (by mechanism, then language). */
export const SNIPPETS: readonly SnippetEntry[] = buildEntries();
