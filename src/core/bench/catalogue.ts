// The benchmark's mechanism catalogue: ids (as used by the CLI and JSON), what each measures, and the
// seed's claimed figures (seed section 8) that results are compared with.

export type MechanismId =
  | 'pipe'
  | 'pipe-1m'
  | 'fifo'
  | 'unix-stream'
  | 'unix-dgram'
  | 'unix-seqpacket'
  | 'tcp'
  | 'tcp-nodelay'
  | 'udp'
  | 'shm-spin'
  | 'shm-futex'
  | 'posix-mq'
  | 'sysv-msg'
  | 'eventfd'
  | 'signal';

export type BenchKind = 'latency' | 'throughput';
export type Pin = 'split' | 'same' | 'none';

/** Families group mechanisms for the seed comparison and the decision tree. */
export type Family = 'pipe' | 'unix' | 'inet' | 'shm' | 'mq' | 'notify';

export interface Mechanism {
  id: MechanismId;
  label: string;
  family: Family;
  /** Both sides poll: on one CPU each side burns its time slice waiting, so `same` is skipped. */
  spins: boolean;
  /** No payload to stream (a counter or a signal), so no throughput measure. */
  latencyOnly: boolean;
  /** Each message is a datagram with a kernel size limit: throughput uses min(requested, limit). */
  datagram: boolean;
  /** Fixed message size for latency (eventfd's 8-byte counter, signal carries none), else null. */
  fixedLatencyBytes: number | null;
  description: string;
}

function m(
  id: MechanismId, label: string, family: Family, description: string,
  extra: Partial<Pick<Mechanism, 'spins' | 'latencyOnly' | 'datagram' | 'fixedLatencyBytes'>> = {},
): Mechanism {
  return {
    id, label, family, description,
    spins: extra.spins ?? false,
    latencyOnly: extra.latencyOnly ?? false,
    datagram: extra.datagram ?? false,
    fixedLatencyBytes: extra.fixedLatencyBytes ?? null,
  };
}

export const MECHANISMS: readonly Mechanism[] = [
  m('pipe', 'Pipe', 'pipe', 'Two anonymous pipes (one per direction) created by the parent and inherited.'),
  m('pipe-1m', 'Pipe, 1 MiB buffer', 'pipe', 'Anonymous pipes enlarged with fcntl(F_SETPIPE_SZ, 1 MiB).'),
  m('fifo', 'FIFO', 'pipe', 'Two named pipes (mkfifo 0600) in a private temporary directory.'),
  m('unix-stream', 'Unix socket (stream)', 'unix', 'SOCK_STREAM Unix socket bound to a path, accept/connect.'),
  m('unix-dgram', 'Unix socket (datagram)', 'unix', 'SOCK_DGRAM Unix sockets bound to two paths and connected to each other.', { datagram: true }),
  m('unix-seqpacket', 'Unix socket (seqpacket)', 'unix', 'SOCK_SEQPACKET Unix socket bound to a path, accept/connect.', { datagram: true }),
  m('tcp', 'TCP (loopback)', 'inet', 'TCP over 127.0.0.1 with default options (Nagle on).'),
  m('tcp-nodelay', 'TCP, TCP_NODELAY', 'inet', 'TCP over 127.0.0.1 with TCP_NODELAY on both ends.'),
  m('udp', 'UDP (loopback)', 'inet', 'Connected UDP sockets over 127.0.0.1; throughput uses a credit window so the receiver is never overrun.', { datagram: true }),
  m('shm-spin', 'Shared memory, spinning', 'shm', 'SPSC byte ring in POSIX shm; both sides poll the positions with atomics.', { spins: true }),
  m('shm-futex', 'Shared memory, futex', 'shm', 'The same ring; a side with nothing to do sleeps in futex(FUTEX_WAIT) and is woken by FUTEX_WAKE.'),
  m('posix-mq', 'POSIX message queue', 'mq', 'Two POSIX queues (mq_open), one per direction.', { datagram: true }),
  m('sysv-msg', 'System V message queue', 'mq', 'One System V queue (msgget); message type tells the direction.', { datagram: true }),
  m('eventfd', 'eventfd', 'notify', 'Two eventfds (one per direction) inherited from the parent; an 8-byte counter, no payload.', { latencyOnly: true, fixedLatencyBytes: 8 }),
  m('signal', 'Signal (sigwaitinfo)', 'notify', 'SIGUSR2 sent with tgkill to the peer\'s main thread, which has it blocked and waits in sigwaitinfo.', { latencyOnly: true, fixedLatencyBytes: 0 }),
];

export const MECHANISM_IDS: readonly MechanismId[] = MECHANISMS.map((x) => x.id);

export function mechanism(id: string): Mechanism | undefined {
  return MECHANISMS.find((x) => x.id === id);
}

export function isMechanismId(id: string): id is MechanismId {
  return MECHANISM_IDS.includes(id as MechanismId);
}

/** Seed section 8, "claimed, localhost": latency for 1 byte, throughput for 100 MB. */
export interface SeedClaim {
  label: string;
  /** Claimed latency range in ns (the seed does not say one-way or round trip). */
  latencyNs: readonly [number, number] | null;
  /** Claimed throughput in MB/s (10^6 bytes/s). */
  mbPerS: number | null;
}

export function seedClaim(id: MechanismId): SeedClaim | null {
  const fam = mechanism(id)?.family;
  if (fam === 'shm') return { label: 'shared memory', latencyNs: [100, 100], mbPerS: 20_000 };
  if (fam === 'unix') return { label: 'Unix socket', latencyNs: [1_000, 2_000], mbPerS: 10_000 };
  if (fam === 'pipe') return { label: 'pipe', latencyNs: [5_000, 10_000], mbPerS: 1_000 };
  if (id === 'tcp' || id === 'tcp-nodelay') return { label: 'TCP', latencyNs: [50_000, 100_000], mbPerS: 1_000 };
  return null;
}

export interface ClaimComparison {
  claim: SeedClaim;
  /** measured / claimed. Latency: p50 round trip over the claim's upper end (<= 1: claim holds).
   *  Throughput: measured over claimed (>= 1: claim holds). */
  ratio: number;
  holds: boolean;
}

export function compareWithClaim(id: MechanismId, kind: BenchKind, measured: number): ClaimComparison | null {
  const claim = seedClaim(id);
  if (!claim || !(measured > 0)) return null;
  if (kind === 'latency') {
    if (!claim.latencyNs) return null;
    const ratio = measured / claim.latencyNs[1];
    return { claim, ratio, holds: ratio <= 1 };
  }
  if (claim.mbPerS === null) return null;
  const ratio = measured / claim.mbPerS;
  return { claim, ratio, holds: ratio >= 1 };
}

export function formatClaim(c: SeedClaim, kind: BenchKind): string {
  if (kind === 'throughput') return c.mbPerS === null ? '' : `${c.mbPerS >= 1000 ? `${c.mbPerS / 1000} GB/s` : `${c.mbPerS} MB/s`}`;
  if (!c.latencyNs) return '';
  const [lo, hi] = c.latencyNs.map((n) => n / 1000);
  return lo === hi ? `${lo} µs` : `${lo}-${hi} µs`;
}
