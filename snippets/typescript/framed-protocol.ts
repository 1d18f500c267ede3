// Length-prefixed framing over a stream socket: 4-byte big-endian length, size limit checked before buffering, validation.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAX_FRAME = ${1:1048576}; // 1 MiB

/** One buffer per frame: header and body go out in a single write. */
function encodeFrame(payload: Buffer): Buffer {
  if (payload.length === 0 || payload.length > MAX_FRAME) throw new RangeError('frame must be 1..MAX_FRAME bytes');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
}

/** Reassembles frames from 'data' chunks, which split and merge frames arbitrarily. */
class FrameDecoder {
  private buffered = Buffer.alloc(0);
  /** Set once a header announces a length outside 1..MAX_FRAME; the body is never buffered. */
  error: Error | undefined;
  /** Returns the frames completed by this chunk (those before a bad header included). */
  push(chunk: Buffer): Buffer[] {
    if (this.error) return [];
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const frames: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length === 0 || length > MAX_FRAME) {
        this.error = new RangeError(`rejected frame of \${length} bytes`);
        this.buffered = Buffer.alloc(0);
        break;
      }
      if (this.buffered.length < 4 + length) break;
      frames.push(this.buffered.subarray(4, 4 + length));
      this.buffered = this.buffered.subarray(4 + length);
    }
    return frames;
  }
}

/** Application-level validation: printable UTF-8 text. Never execute what a peer sends. */
function validate(payload: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(payload); // throws on invalid UTF-8
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new Error('control characters');
  return text;
}

function serve(socket: Socket): void {
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      let reply: string;
      try {
        reply = `ok: \${validate(frame)}`;
      } catch (err) {
        reply = `error: \${(err as Error).message}`;
      }
      socket.write(encodeFrame(Buffer.from(reply)));
    }
    // Out of sync after a bad header: say why and drop the connection.
    if (decoder.error) socket.end(encodeFrame(Buffer.from(`error: \${decoder.error.message}`)));
  });
  socket.on('error', (err) => console.error(`client failed: \${err.message}`));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), '${3:myapp}-'));
  const server = createServer(serve);
  try {
    const path = join(dir, 'framed.sock');
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(path, resolve); });
    const socket = connect(path);
    const decoder = new FrameDecoder();
    const replies: string[] = [];
    const allReplies = new Promise<void>((resolve, reject) => {
      socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
      socket.on('data', (chunk: Buffer) => {
        for (const f of decoder.push(chunk)) replies.push(f.toString('utf8'));
        if (decoder.error) reject(decoder.error);
        if (replies.length === 4) resolve();
      });
      socket.on('error', reject);
      socket.on('end', () => reject(new Error(`server hung up after \${replies.length} replies`)));
    });
    for (const m of ['${2:first message}', 'second message', 'bad\u0007bell']) socket.write(encodeFrame(Buffer.from(m)));
    // A header announcing more than MAX_FRAME is refused without buffering the body.
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(MAX_FRAME + 1);
    socket.write(huge);
    await allReplies;
    socket.destroy();
    $0
    for (const r of replies) console.log(r);
    if (replies[0] !== 'ok: $2' || !replies[2]?.startsWith('error:') || !replies[3]?.includes('rejected frame')) {
      throw new Error('unexpected protocol behaviour');
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
