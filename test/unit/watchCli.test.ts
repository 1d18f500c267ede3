// Unit: the pieces of `ipc-inspector watch` that need no kernel object: option parsing, local time,
// percentages, human and JSON lines of each kind of sample, orphan socket ids.

import { strict as assert } from 'node:assert';
import { human, intOpt, jsonLine, localTime, percent, runWatchCli } from '../../src/core/watchCli';
import { orphanTuple, type QueueSample } from '../../src/core/scan/refresh';

describe('watch: --interval / --count parsing', () => {
  it('takes plain decimal integers within the range, the default when absent', () => {
    assert.equal(intOpt(undefined, 'interval', 'ms', 1000, 50, 60000), 1000);
    assert.equal(intOpt('250', 'interval', 'ms', 1000, 50, 60000), 250);
    assert.equal(intOpt('050', 'interval', 'ms', 1000, 50, 60000), 50);
    assert.equal(intOpt('60000', 'interval', 'ms', 1000, 50, 60000), 60000);
  });

  it('refuses exponents, hex, binary, octal, fractions, signs, blanks and out-of-range values', () => {
    for (const v of ['1e3', '0x1', '0b1', '0o7', '1.0', '2.5', '+5', '-5', ' 100', '100 ', '', 'Infinity', 'NaN', '10_000', '49', '60001', '99999999999999999999']) {
      const r = intOpt(v, 'interval', 'a number of milliseconds', 1000, 50, 60000);
      assert.equal(typeof r, 'string', `'${v}' accepted as ${String(r)}`);
      assert.match(r as string, /^--interval must be a number of milliseconds from 50 to 60000 as a plain decimal integer, not '/);
    }
    assert.equal(typeof intOpt('0', 'count', 'a count', 0, 1, 1e9), 'string', 'count starts at 1');
  });

  it('runWatchCli answers a bad number with exit code 2 before any scan', async () => {
    const err: string[] = [];
    const code = await runWatchCli(['pipe:1:1', '--interval', '1e3'], { out: () => undefined, err: (l) => err.push(l) });
    assert.equal(code, 2);
    assert.match(err.join('\n'), /--interval must be .* not '1e3'/);
  });
});

describe('watch: sample lines', () => {
  let tz: string | undefined;
  beforeEach(() => (tz = process.env['TZ']));
  afterEach(() => {
    if (tz === undefined) delete process.env['TZ'];
    else process.env['TZ'] = tz;
  });
  const t = new Date(Date.UTC(2024, 0, 15, 13, 33, 53, 368));

  it('prints the local time of day, following TZ', () => {
    process.env['TZ'] = 'UTC';
    assert.equal(localTime(t), '13:33:53.368');
    process.env['TZ'] = 'America/New_York'; // EST in January
    assert.equal(localTime(t), '08:33:53.368');
    process.env['TZ'] = 'Etc/GMT-14';
    assert.equal(localTime(t), '03:33:53.368');
    assert.equal(localTime(new Date(Date.UTC(2024, 0, 1, 10, 0, 0, 5))), '00:00:00.005');
  });

  it('gives small and nearly full percentages enough precision', () => {
    assert.equal(percent(7, 65536), '<0.1%');
    assert.equal(percent(0, 65536), '0.0%');
    assert.equal(percent(66, 65536), '0.1%');
    assert.equal(percent(3, 10), '30.0%');
    assert.equal(percent(65530, 65536), '>99.9%');
    assert.equal(percent(65536, 65536), '100.0%');
  });

  it('shows each kind of sample: fill, both TCP queues, SysV bytes, state', () => {
    process.env['TZ'] = 'UTC';
    const line = (s: Omit<QueueSample, 'id'>) => human({ id: 'x', ...s }, t).slice(14);
    assert.equal(line({ queue: { used: 7, capacity: 65536, unit: 'bytes' } }), '7 / 65536 bytes (<0.1%)');
    assert.equal(line({ queue: { used: 3, capacity: 10, unit: 'messages' } }), '3 / 10 messages (30.0%)');
    assert.equal(line({ queue: { used: 2, capacity: null, unit: 'messages' }, bytes: { used: 20, capacity: 16384 } }), '2 messages  20 / 16384 bytes (0.1%)');
    assert.equal(line({ queue: { used: 2, capacity: null, unit: 'messages' }, bytes: { used: 20, capacity: null } }), '2 messages  20 bytes');
    assert.equal(line({ queue: { used: 0, capacity: null, unit: 'bytes' }, state: 'ESTABLISHED', sendQueue: 4067840 }), 'Recv-Q 0 bytes  Send-Q 4067840 bytes  ESTABLISHED');
    assert.equal(line({ queue: { used: 1, capacity: 4, unit: 'connections' }, state: 'LISTEN' }), '1 / 4 connections (25.0%)  LISTEN');
    assert.equal(line({ queue: { used: 511, capacity: null, unit: 'bytes' }, state: 'connected' }), '511 bytes  connected');
    assert.equal(human({ id: 'x', queue: { used: 1, capacity: 0, unit: 'connections' } }, t).slice(14), '1 / 0 connections', 'no division by zero');
  });

  it('--json lines carry the state, the send queue and SysV bytes when sampled, time in ms since the epoch', () => {
    process.env['TZ'] = 'America/New_York';
    assert.deepEqual(JSON.parse(jsonLine({ id: 'p', queue: { used: 7, capacity: 65536, unit: 'bytes' } }, t)),
      { t: t.getTime(), id: 'p', used: 7, capacity: 65536, unit: 'bytes' });
    assert.deepEqual(JSON.parse(jsonLine({ id: 'tcp:9:1', queue: { used: 0, capacity: null, unit: 'bytes' }, state: 'ESTABLISHED', sendQueue: 99 }, t)),
      { t: t.getTime(), id: 'tcp:9:1', used: 0, capacity: null, unit: 'bytes', state: 'ESTABLISHED', sendQueue: 99 });
    assert.deepEqual(JSON.parse(jsonLine({ id: 'q', queue: { used: 2, capacity: null, unit: 'messages' }, bytes: { used: 20, capacity: null } }, t)),
      { t: t.getTime(), id: 'q', used: 2, capacity: null, unit: 'messages', bytes: 20, maxBytes: null });
  });
});

describe('orphanTuple', () => {
  it('reads "local>remote" from an inode-less socket id, IPv6 and empty namespace labels too', () => {
    assert.equal(orphanTuple('tcp:orphan:4026531833:127.0.0.1:45710>127.0.0.1:60042', 'tcp'), '127.0.0.1:45710>127.0.0.1:60042');
    assert.equal(orphanTuple('tcp:orphan::[::1]:80>[::1]:5000', 'tcp'), '[::1]:80>[::1]:5000');
    assert.equal(orphanTuple('udp:orphan:7:0.0.0.0:53>*', 'udp'), '0.0.0.0:53>*');
    assert.equal(orphanTuple('tcp:9:1234', 'tcp'), null);
    assert.equal(orphanTuple('tcp:orphan:1:a>b', 'udp'), null);
  });
});

describe('watch: queues that are not the bytes waiting say what they count', () => {
  const t = new Date(2026, 10, 30, 14, 5, 6, 7);
  it('a Unix datagram socket: the next datagram; a UDP socket: receive-buffer memory (human and JSON)', () => {
    const dgram: QueueSample = { id: 'unix:9:1', queue: { used: 50, capacity: null, unit: 'bytes', measure: 'next-datagram' }, state: 'connected' };
    assert.equal(human(dgram, t), '14:05:06.007  next datagram 50 bytes  connected');
    assert.equal(JSON.parse(jsonLine(dgram, t)).measure, 'next-datagram');
    const udp: QueueSample = { id: 'udp:9:2', queue: { used: 2496, capacity: null, unit: 'bytes', measure: 'memory' }, state: 'UNCONN', sendQueue: 0 };
    assert.equal(human(udp, t), '14:05:06.007  Recv-Q 2496 bytes rcvbuf memory  Send-Q 0 bytes  UNCONN');
    assert.equal(JSON.parse(jsonLine(udp, t)).measure, 'memory');
  });
});
