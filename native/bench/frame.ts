// Message buffers and the channel interface every benchmark mechanism implements in the worker.

/** 8 bytes of headroom before the payload, so System V messages (long mtype + data) need no copy. */
export const HEADROOM = 8;

export interface Frame {
  /** headroom + capacity bytes. */
  raw: Buffer;
  /** raw[HEADROOM .. HEADROOM + cap): what is sent and received. */
  payload: Buffer;
  cap: number;
}

export function frame(cap: number): Frame {
  const raw = Buffer.alloc(HEADROOM + cap);
  return { raw, payload: raw.subarray(HEADROOM), cap };
}

/** A connected, bidirectional, blocking channel between the two workers. */
export interface Channel {
  /** Sends payload[0..n) as one message (or n bytes of a stream). */
  send(f: Frame, n: number): void;
  /** Receives exactly one n-byte message (or n bytes of a stream) into payload[0..n); throws on a short one. */
  recv(f: Frame, n: number): void;
  close(): void;
}

/** What a worker reports as ready (numbers only) and how it then connects to its peer. */
export interface Endpoint {
  info: Record<string, number>;
  connect(peer: Record<string, number>): Channel;
  /** Removes what this side created (best effort; the parent cleans up as well). */
  cleanup(): void;
}
