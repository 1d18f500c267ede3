// Signal masks (/proc/PID/status Sig*, signalfd sigmask) decoded to names, real-time signals included.

const NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};

/** glibc's SIGRTMIN (the kernel's 32 and 33 are reserved by glibc for NPTL) and the kernel's SIGRTMAX. */
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

/** Name of signal n (x86-64/aarch64 numbering): SIGUSR1, SIGRTMIN+3, SIGRTMAX, SIG32; "SIG<n>" beyond. */
export function signalName(n: number): string {
  const fixed = NAMES[n];
  if (fixed) return fixed;
  if (n === SIGRTMIN) return 'SIGRTMIN';
  if (n === SIGRTMAX) return 'SIGRTMAX';
  if (n > SIGRTMIN && n < SIGRTMAX) return `SIGRTMIN+${n - SIGRTMIN}`;
  return `SIG${n}`;
}

/** Signal numbers in a mask (bit n-1 = signal n), ascending. */
export function maskSignals(mask: bigint): number[] {
  const out: number[] = [];
  let m = mask < 0n ? 0n : mask;
  for (let n = 1; m !== 0n && n <= 1024; n++, m >>= 1n) if (m & 1n) out.push(n);
  return out;
}

export function maskNames(mask: bigint): string[] {
  return maskSignals(mask).map(signalName);
}

/** A hex mask as printed by the kernel ("0000000000000200"); null when not a hex mask. */
export function parseHexMask(text: string | undefined): bigint | null {
  if (text === undefined) return null;
  const t = text.trim();
  return /^[0-9a-fA-F]{1,32}$/.test(t) ? BigInt('0x' + t) : null;
}

export interface ProcessSignals {
  caught: string[];
  ignored: string[];
  /** The main thread's mask (SigBlk): each thread has its own (see readThreadSignals). */
  blocked: string[];
  /** Pending for the whole process (ShdPnd). */
  pending: string[];
  /** Pending for the main thread only (SigPnd). */
  pendingThread: string[];
  /** Threads of the process (the status line Threads:), when said. */
  threads?: number;
}

/** One thread's own signal state: its mask and what is pending for it alone. */
export interface ThreadSignals {
  tid: number;
  /** The thread's name (comm), as text. */
  name: string;
  blocked: string[];
  pending: string[];
}

/** The Name line of a status text (escapes as the kernel writes them, e.g. \n), or '' when absent or cut. */
export function statusName(text: string): string {
  if (!text.startsWith('Name:')) return '';
  const end = text.indexOf('\n');
  return end < 0 ? '' : text.slice(5, end).trim();
}

const STATUS_KEYS = [['SigCgt', 'caught'], ['SigIgn', 'ignored'], ['SigBlk', 'blocked'], ['ShdPnd', 'pending'], ['SigPnd', 'pendingThread']] as const;

/** The signal block from /proc/PID/status text; null when none of the mask lines is readable. */
export function statusSignals(text: string): ProcessSignals | null {
  const out: ProcessSignals = { caught: [], ignored: [], blocked: [], pending: [], pendingThread: [] };
  let any = false;
  for (const [key, field] of STATUS_KEYS) {
    const at = text.startsWith(key + ':') ? 0 : text.indexOf('\n' + key + ':') + 1;
    if (at <= 0 && !text.startsWith(key + ':')) continue;
    const end = text.indexOf('\n', at);
    if (end < 0) continue; // the last line, cut short: its mask may be cut too
    const mask = parseHexMask(text.slice(at + key.length + 1, end));
    if (mask === null) continue;
    any = true;
    out[field] = maskNames(mask);
  }
  if (!any) return null;
  const t = /\nThreads:\s*(\d+)\n/.exec(text);
  if (t) out.threads = Number(t[1]);
  return out;
}
