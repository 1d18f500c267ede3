// The snapshot schema (version 1): the contract between the engine, the CLI, the tree and every webview.
// Pure types and tiny helpers; no I/O, no `vscode`.

export const SCHEMA_VERSION = 1 as const;

/** Every kind of IPC object the engine can report. Later issues extend this list, never rename it. */
export type IpcKind =
  | 'pipe'
  | 'fifo'
  | 'unix'
  | 'tcp'
  | 'udp'
  | 'posix-shm'
  | 'posix-sem'
  | 'posix-mq'
  | 'sysv-shm'
  | 'sysv-msg'
  | 'sysv-sem'
  | 'eventfd'
  | 'signalfd'
  | 'memfd';

export const ALL_KINDS: readonly IpcKind[] = [
  'pipe', 'fifo', 'unix', 'tcp', 'udp', 'posix-shm', 'sysv-shm', 'memfd', 'posix-mq', 'sysv-msg',
  'posix-sem', 'sysv-sem', 'eventfd', 'signalfd',
];

export type Access = 'r' | 'w' | 'rw' | 'map';

export interface Endpoint {
  pid: number;
  /** File descriptor number; null for a holder that only maps the object. */
  fd: number | null;
  access: Access;
}

export type QueueUnit = 'bytes' | 'messages' | 'connections';

export interface QueueFill {
  used: number;
  capacity: number | null;
  unit: QueueUnit;
  /**
   * What `used` counts when it is not the bytes waiting: 'next-datagram' (a Unix datagram socket: the kernel
   * reports the size of the first datagram queued only), 'memory' (UDP: receive-buffer memory, per-packet
   * overhead included, as ss's Recv-Q). Absent: exactly the bytes (or messages, connections) queued.
   */
  measure?: 'next-datagram' | 'memory';
}

export type UnixType = 'stream' | 'dgram' | 'seqpacket';
export type UnixState = 'listen' | 'connected' | 'unconnected' | 'connecting' | 'disconnecting';
export type UnixAddress = 'path' | 'abstract' | 'unnamed';

export interface UnixInfo {
  type: UnixType;
  state: UnixState;
  address: UnixAddress;
  /** Id of the peer socket object, or null (no peer, or no peer information). */
  peer: string | null;
  pendingConnections: number;
  inflightFds: number;
  /** Owner uid of the socket (sock_diag UNIX_DIAG_UID); null or absent when unknown. */
  uid?: number | null;
  /** The bound socket file (dev in st_dev encoding, inode), from UNIX_DIAG_VFS; null for abstract/unnamed. */
  boundFile?: { dev: number; ino: number } | null;
  /** A connection not yet accepted: id of the listener whose accept queue holds it (its peer is null). */
  pendingOn?: string | null;
}

export interface InetInfo {
  family: 4 | 6;
  protocol: 'tcp' | 'udp';
  local: string;
  remote: string | null;
  state: string;
  peer: string | null;
  /** TCP: bytes sent and not yet acknowledged; UDP: send memory in use; null for listeners. */
  sendQueue?: number | null;
  /** Owner uid of the socket. */
  uid?: number;
}

export type Severity = 'info' | 'warning';

export interface Finding {
  severity: Severity;
  code: string;
  message: string;
}

export interface IpcObject {
  /** Stable id: `<kind>:<dev>:<ino>` for inode-backed objects, a kernel id otherwise. */
  id: string;
  kind: IpcKind;
  inode: number;
  /** Display name (FIFO path, socket path, '@'+abstract name, ...), decoded with U+FFFD for bad bytes. */
  name: string;
  /** Raw bytes of the name, present when the name is not valid UTF-8 or contains NUL. */
  nameBase64?: string;
  endpoints: Endpoint[];
  queue?: QueueFill;
  unix?: UnixInfo;
  inet?: InetInfo;
  findings: Finding[];
  /** Kind-specific extra fields added by later issues (size, mode, owner, namespace label, ...). */
  [extra: string]: unknown;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
  /** Arguments decoded with U+FFFD for bad bytes; `cmdlineBase64` has the exact bytes when some are not UTF-8. */
  cmdline: string[];
  uid: number;
  /** Inode of /proc/PID/ns/net, or null when unreadable. */
  netns: number | null;
  /** Inode of /proc/PID/ns/ipc, or null when unreadable. */
  ipcns: number | null;
  /** Working directory (/proc/PID/cwd), absent when unreadable (another user's process without root). */
  cwd?: string;
  [extra: string]: unknown;
}

export interface Snapshot {
  schemaVersion: typeof SCHEMA_VERSION;
  takenAt: string;
  durationMs: number;
  self: { pid: number };
  hidden: { processes: number };
  notes: string[];
  processes: ProcessInfo[];
  objects: IpcObject[];
  /** How the scan went (counts and phase times), for diagnostics and benchmarks. */
  scan?: ScanStats;
}

export interface ScanStats {
  /** fds looked at (every fd of every readable process). */
  fds: number;
  /** Processes that exited during the scan (skipped) and fds closed between listing and stat. */
  vanishedProcesses: number;
  vanishedFds: number;
  /** Wall time per phase in ms (e.g. unix, processes+fds, fdinfo, join, fill). */
  phasesMs: Record<string, number>;
  /** Threads that walked processes (the scanning thread and the helpers that took part). */
  walkThreads?: number;
  /** Where the fds came from: one read of a BPF iterator over every task's files (root), or /proc/PID/fd. */
  fdSource?: 'bpf-iterator' | 'procfs';
  /** Why the iterator was not used (not root, no kernel BTF, another namespace, ...), when it was wanted. */
  fdIteratorUnusable?: string;
}

/** Stable id of an inode-backed object. */
export function inodeId(kind: IpcKind, dev: number | bigint, ino: number | bigint): string {
  return `${kind}:${dev}:${ino}`;
}
