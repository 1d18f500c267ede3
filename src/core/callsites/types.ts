// Call-site finder types: what an IPC call in source code names (path, name, port, signal) and where it is.

export type CallSiteLanguage =
  | 'rust' | 'c' | 'cpp' | 'python' | 'go'
  | 'typescript' | 'typescriptreact' | 'javascript' | 'javascriptreact';

export const CALLSITE_LANGUAGES: readonly CallSiteLanguage[] = [
  'rust', 'c', 'cpp', 'python', 'go', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact',
];

export function isCallSiteLanguage(id: string): id is CallSiteLanguage {
  return (CALLSITE_LANGUAGES as readonly string[]).includes(id);
}

/** The IPC mechanism a call uses. 'inet' is a port whose protocol the code does not say. */
export type CallMechanism = 'unix' | 'fifo' | 'shm' | 'mq' | 'tcp' | 'udp' | 'inet' | 'signal';

/** What the call does with the target: bind/listen/create vs connect/open, or handle (signals). */
export type CallRole = 'listen' | 'connect' | 'create' | 'open' | 'handle';

export type UnixSockType = 'stream' | 'dgram' | 'seqpacket';

/** A named kernel object: bytes are the exact name the kernel will see (abstract: without the leading NUL). */
export interface NameTarget {
  type: 'path' | 'abstract' | 'fifo' | 'shm' | 'mq';
  bytes: Uint8Array;
  /** Display form (lenient UTF-8; abstract names without '@'). */
  value: string;
}

export interface PortTarget {
  type: 'port';
  port: number;
  proto: 'tcp' | 'udp' | 'any';
  role: 'listen' | 'connect';
  /** Host part of the literal when there was one ("127.0.0.1", "", "::"). */
  host?: string;
}

export interface SignalTarget {
  type: 'signal';
  /** Canonical names with the SIG prefix: "SIGUSR1", "SIGRTMIN+3". */
  names: string[];
}

export type CallTarget = NameTarget | PortTarget | SignalTarget;

export interface CallSite {
  /** 0-based line and UTF-16 columns of the call (clipped to the line the call starts on). */
  range: { line: number; start: number; end: number };
  mechanism: CallMechanism;
  role: CallRole;
  /** The callee as written, e.g. "UnixListener::bind", "shm_open", "net.Listen". */
  call: string;
  target: CallTarget;
  /** Unix socket type when the code says it (SOCK_DGRAM, UnixDatagram, "unixgram"). */
  sockType?: UnixSockType;
  /** Set when the target came from a named constant rather than a literal at the call. */
  viaConstant?: string;
}
