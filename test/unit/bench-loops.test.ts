import { strict as assert } from 'node:assert';
import type { Channel, Frame } from '../../native/bench/frame';
import { latencyInitiator, throughputReceiver, throughputSender } from '../../native/bench/loops';

const params = { n: 64, warmup: 2, iters: 10, seed: 99, window: 0, ackEvery: 0 };

/**
 * Runs the sender to completion into an in-memory queue (its acks are answered in advance), then the
 * receiver over that queue. `tamper` may drop, reorder or damage messages in flight.
 */
function transfer(tamper: (q: Buffer[], m: Buffer) => void = (q, m) => q.push(m)): ReturnType<typeof throughputReceiver> {
  const wire: Buffer[] = [];
  const acks = [params.warmup, params.warmup + params.iters].map((v) => Buffer.from([v, 0, 0, 0]));
  const sender: Channel = {
    send: (f, n) => tamper(wire, Buffer.from(f.payload.subarray(0, n))),
    recv: (f, n) => { acks.shift()!.copy(f.payload, 0, 0, n); },
    close() {},
  };
  throughputSender(sender, params);
  const receiver: Channel = {
    send() {},
    recv(f: Frame, n: number) {
      const m = wire.shift();
      if (!m) throw new Error('would block forever');
      assert.equal(m.length, n);
      m.copy(f.payload);
    },
    close() {},
  };
  return throughputReceiver(receiver, params);
}

describe('benchmark timed loops (protocol, in memory)', () => {
  it('delivers every message intact and reports the bytes measured', () => {
    const r = transfer();
    assert.equal(r.bytes, params.iters * params.n);
    assert.ok(r.t_end > 0);
    assert.ok(r.thread_ns >= 0 && r.cpu_ns >= r.thread_ns, JSON.stringify(r));
  });

  it('fails loudly when a message is lost', () => {
    let i = 0;
    assert.throws(() => transfer((q, m) => { if (i++ !== 5) q.push(m); }), /lost or reordered: message 5 arrived as message 6/);
  });

  it('fails loudly when two messages are swapped', () => {
    let held: Buffer | null = null;
    let i = 0;
    assert.throws(() => transfer((q, m) => {
      if (i++ === 3) { held = m; return; }
      q.push(m);
      if (held) { q.push(held); held = null; }
    }), /message 3 arrived as message 4/);
  });

  it('fails loudly when a byte is damaged', () => {
    let i = 0;
    assert.throws(() => transfer((q, m) => { if (i++ === 7) m[40] = m[40]! ^ 1; q.push(m); }), /corrupted in message 7/);
  });

  it('latency: samples per round trip, and a wrong echo fails', () => {
    const echo = (bad: boolean): Channel => {
      let last: Buffer = Buffer.alloc(0);
      return {
        send(f, n) { last = Buffer.from(f.payload.subarray(0, n)); if (bad && f.payload[0] === 9) last[0] = 10; },
        recv(f) { last.copy(f.payload); },
        close() {},
      };
    };
    const out = latencyInitiator(echo(false), 1, 5, 20);
    assert.equal(out.samples.length, 20);
    assert.ok(out.samples.every((s) => Number.isInteger(s) && s >= 0));
    assert.throws(() => latencyInitiator(echo(true), 1, 5, 20), /round trip 9: got back 10, sent 9/);
  });

  it('reports the CPU time of the timed round trips only (process >= main thread)', () => {
    // Every echo burns 300 µs of CPU, measured with the kernel's own per-process counter.
    const burn = (us: number): void => {
      const t0 = process.cpuUsage();
      for (;;) { const d = process.cpuUsage(t0); if (d.user + d.system >= us) return; }
    };
    let last = 0;
    const busy: Channel = { send(f) { last = f.payload[0]!; burn(300); }, recv(f) { f.payload[0] = last; }, close() {} };
    const out = latencyInitiator(busy, 1, 10, 20);
    // The burn is counted in process CPU (V8's helper threads may take part of it), so the 20 timed echoes
    // bound the process figure from below; the 10 warm-up echoes are excluded from both figures.
    assert.ok(out.cpu_ns >= 20 * 300e3 && out.cpu_ns < 30 * 300e3 + 50e6, `cpu_ns ${out.cpu_ns}: 20 timed echoes, warm-up excluded`);
    assert.ok(out.thread_ns >= 20 * 300e3 * 0.5 && out.thread_ns < 30 * 300e3 + 50e6, `thread_ns ${out.thread_ns}: mostly the main thread, warm-up excluded`);
    assert.ok(out.cpu_ns >= out.thread_ns, `process ${out.cpu_ns} < thread ${out.thread_ns}`);
  });
});
