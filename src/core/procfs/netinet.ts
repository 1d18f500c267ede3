// Parser for /proc/net/{tcp,tcp6,udp,udp6}, the fallback when inet_diag is unavailable: hex addresses
// in host byte order per 32-bit word, "tx_queue:rx_queue", uid and inode.

export interface NetInetRecord {
  family: 4 | 6;
  src: Buffer;
  sport: number;
  dst: Buffer;
  dport: number;
  state: number;
  txQueue: number;
  /** Listener: accept-queue length; otherwise bytes not yet read (TCP) or receive memory (UDP). */
  rxQueue: number;
  uid: number;
  ino: number;
}

export interface NetInetResult {
  sockets: NetInetRecord[];
  skipped: string[];
}

/** Decode "0100007F:1F90" (v4) or a 32-hex-digit v6 address with its port. */
function decodeEndpoint(s: string): { addr: Buffer; port: number } | null {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(s);
  if (!m) return null;
  const hex = m[1]!;
  const addr = Buffer.alloc(hex.length / 2);
  // Each 32-bit word was printed with %08X from host (little-endian) order: reverse its bytes.
  for (let w = 0; w < hex.length / 8; w++) {
    const word = parseInt(hex.slice(w * 8, w * 8 + 8), 16);
    addr.writeUInt32LE(word >>> 0, w * 4);
  }
  return { addr, port: parseInt(m[2]!, 16) };
}

/** Parse the text of one /proc/net/{tcp,tcp6,udp,udp6} file. Never throws. */
export function parseProcNetInet(text: string): NetInetResult {
  const sockets: NetInetRecord[] = [];
  const skipped: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('sl ')) continue;
    // Every line ends with a newline: a last line without one was cut short (its inode may be cut: "12" of "12345").
    if (i === lines.length - 1) {
      skipped.push(`line ${i + 1}: cut short (no newline at the end)`);
      continue;
    }
    const f = line.split(/\s+/);
    const local = decodeEndpoint(f[1] ?? '');
    const remote = decodeEndpoint(f[2] ?? '');
    const q = /^([0-9A-Fa-f]+):([0-9A-Fa-f]+)$/.exec(f[4] ?? '');
    const state = /^[0-9A-Fa-f]{2}$/.test(f[3] ?? '') ? parseInt(f[3]!, 16) : NaN;
    const uid = /^\d+$/.test(f[7] ?? '') ? Number(f[7]) : NaN;
    const ino = /^\d+$/.test(f[9] ?? '') ? Number(f[9]) : NaN;
    if (!local || !remote || !q || Number.isNaN(state) || Number.isNaN(uid) || Number.isNaN(ino) || local.addr.length !== remote.addr.length) {
      skipped.push(`line ${i + 1}: not a socket record`);
      continue;
    }
    sockets.push({
      family: local.addr.length === 4 ? 4 : 6,
      src: local.addr,
      sport: local.port,
      dst: remote.addr,
      dport: remote.port,
      state,
      txQueue: parseInt(q[1]!, 16),
      rxQueue: parseInt(q[2]!, 16),
      uid,
      ino,
    });
  }
  return { sockets, skipped };
}
