import { strict as assert } from 'node:assert';
import { MECHANISM_IDS, compareWithClaim, seedClaim } from '../../src/core/bench/catalogue';
import { BENCH_HELP, parseBenchArgs } from '../../src/core/bench/cli';
import { DEFAULT_LIMITS, buildPlan, parseBytes, parseCount, parseCpuList, pinCpus } from '../../src/core/bench/plan';

const key = (c: { mechanism: string; kind: string; pin: string | null }) => `${c.mechanism}/${c.kind}/${c.pin}`;

describe('benchmark plans', () => {
  it('quick default: every mechanism, latency split and same (spinning shm skips same), throughput split', () => {
    const p = buildPlan({}, [0, 1]);
    assert.equal(p.preset, 'quick');
    const cases = new Set(p.cases.map(key));
    for (const id of MECHANISM_IDS) {
      assert.ok(cases.has(`${id}/latency/split`), id);
      assert.equal(cases.has(`${id}/latency/same`), id !== 'shm-spin', id);
      assert.equal(cases.has(`${id}/throughput/split`), id !== 'eventfd' && id !== 'signal', id);
    }
    const skipped = new Map(p.skipped.map((s) => [key(s), s.reason]));
    assert.match(skipped.get('shm-spin/latency/same')!, /spin/);
    assert.match(skipped.get('signal/throughput/null')!, /latency only/);
    assert.match(skipped.get('eventfd/throughput/null')!, /latency only/);
    const lat = p.cases.find((c) => c.mechanism === 'pipe' && c.kind === 'latency')!;
    assert.deepEqual([lat.msgBytes, lat.iterations, lat.warmup, lat.cpus], [1, 10_000, 5_000, [0, 1]]);
    const thr = p.cases.find((c) => c.mechanism === 'pipe' && c.kind === 'throughput')!;
    assert.equal(thr.msgBytes * thr.iterations, 32 << 20);
    assert.equal(thr.msgBytes, 65536);
  });

  it('standard preset: 100,000 round trips and 256 MiB', () => {
    const p = buildPlan({ preset: 'standard', mechanisms: ['tcp'] }, [0, 1]);
    assert.equal(p.cases.find((c) => c.kind === 'latency')!.iterations, 100_000);
    const t = p.cases.find((c) => c.kind === 'throughput')!;
    assert.equal(t.iterations * t.msgBytes, 256 << 20);
  });

  it('datagram and queue mechanisms use their kernel limit and say so', () => {
    const p = buildPlan({ kinds: ['throughput'], mechanisms: ['udp', 'posix-mq', 'sysv-msg', 'unix-dgram'] }, [0, 1], DEFAULT_LIMITS);
    const by = new Map(p.cases.map((c) => [c.mechanism, c]));
    assert.equal(by.get('udp')!.msgBytes, 65507);
    assert.match(by.get('udp')!.notes.join(), /65507/);
    assert.equal(by.get('posix-mq')!.msgBytes, 8192);
    assert.match(by.get('posix-mq')!.notes.join(), /msgsize_max/);
    assert.equal(by.get('sysv-msg')!.msgBytes, 8192);
    assert.equal(by.get('unix-dgram')!.msgBytes, 65536);
    assert.deepEqual(by.get('unix-dgram')!.notes, []);
  });

  it('pinning: explicit pins, split needs two CPUs, sizes that collapse run once', () => {
    const one = buildPlan({ mechanisms: ['pipe'], kinds: ['latency'] }, [3]);
    assert.deepEqual(one.cases.map(key), ['pipe/latency/same']);
    assert.deepEqual(one.cases[0]!.cpus, [3, 3]);
    assert.match(one.skipped.map((s) => s.reason).join(), /two CPUs/);
    const none = buildPlan({ mechanisms: ['shm-spin'], pins: ['none'] }, [0, 1]);
    assert.deepEqual(none.cases.map(key), ['shm-spin/latency/none', 'shm-spin/throughput/none']);
    assert.deepEqual(none.cases[0]!.cpus, []);
    const ev = buildPlan({ mechanisms: ['eventfd'], kinds: ['latency'], pins: ['split'], latencySizes: [1, 64, 4096] }, [0, 1]);
    assert.equal(ev.cases.length, 1);
    assert.equal(ev.cases[0]!.msgBytes, 8);
    const sizes = buildPlan({ mechanisms: ['pipe'], kinds: ['latency'], pins: ['split'], latencySizes: [1, 64, 4096] }, [0, 1]);
    assert.deepEqual(sizes.cases.map((c) => c.msgBytes), [1, 64, 4096]);
    assert.deepEqual(pinCpus('split', [2, 5, 7]), [2, 5]);
  });

  it('parses CPU lists and byte sizes, rejecting odd input', () => {
    assert.deepEqual(parseCpuList('0-1'), [0, 1]);
    assert.deepEqual(parseCpuList('0,2-4,8\n'), [0, 2, 3, 4, 8]);
    assert.deepEqual(parseCpuList('4-2'), []);
    assert.deepEqual(parseCpuList('x'), []);
    assert.equal(parseBytes('64K'), 65536);
    assert.equal(parseBytes('256M'), 256 << 20);
    assert.equal(parseBytes('1GiB'), 1 << 30);
    assert.ok(Number.isNaN(parseBytes('-1')));
  });

  it('parses the CLI flags of the issue', () => {
    const o = parseBenchArgs(['--mechanism', 'pipe,tcp', '--quick', '--latency-only', '--pin', 'same', '--json', '--size', '64']);
    assert.deepEqual([o.mechanisms, o.kinds, o.pins, o.latencySizes, o.json, o.preset], [['pipe', 'tcp'], ['latency'], ['same'], [64], true, 'custom']);
    const t = parseBenchArgs(['--throughput-only', '--size', '4K']);
    assert.deepEqual([t.throughputSizes, t.latencySizes], [[4096], undefined]);
    assert.throws(() => parseBenchArgs(['--mechanism', 'carrier-pigeon']), /unknown mechanism/);
    assert.throws(() => parseBenchArgs(['--pin', 'both']), /--pin/);
    assert.throws(() => parseBenchArgs(['--latency-only', '--throughput-only']), /exclude/);
    assert.throws(() => parseBenchArgs(['--size', '0']), /positive/);
  });

  it('counts are decimal (10k = 10,000), byte sizes binary (4K = 4096)', () => {
    assert.equal(parseCount('20000'), 20_000);
    assert.equal(parseCount('10k'), 10_000);
    assert.equal(parseCount('2M'), 2_000_000);
    for (const bad of ['10K', '10KiB', '1m', '1G', '1.5k', '-5', '', 'k']) assert.ok(Number.isNaN(parseCount(bad)), bad);
    const o = parseBenchArgs(['--iterations', '10k', '--warmup', '2k', '--size', '4K', '--chunk', '64K', '--total', '1M']);
    assert.deepEqual([o.iterations, o.warmup, o.latencySizes, o.throughputSizes, o.totalBytes], [10_000, 2_000, [4096], [65_536], 1 << 20]);
    assert.equal(parseBenchArgs(['--warmup', '0']).warmup, 0);
    assert.throws(() => parseBenchArgs(['--iterations', '10KiB']), /--iterations must be a positive count/);
    assert.throws(() => parseBenchArgs(['--warmup', '1.5k']), /--warmup must be a positive count/);
    assert.throws(() => parseBenchArgs(['--iterations', '0']), /positive/);
  });

  it('default warm-up is what --help says', () => {
    assert.match(BENCH_HELP.replace(/\s+/g, ' '), /default: latency 5,000 round trips, with --standard 10% of the round trips but at least 5,000 and at most 10,000; throughput max\(10,000, 1\/8 of the messages\)/);
    const lat = (o: Parameters<typeof buildPlan>[0]): number =>
      buildPlan({ mechanisms: ['pipe'], kinds: ['latency'], pins: ['split'], ...o }, [0, 1]).cases[0]!.warmup;
    assert.equal(lat({}), 5000);
    assert.equal(lat({ preset: 'custom', iterations: 1_000 }), 5000);
    assert.equal(lat({ preset: 'custom', iterations: 1_000_000 }), 5000);
    assert.equal(lat({ preset: 'standard' }), 10_000);
    assert.equal(lat({ preset: 'standard', iterations: 60_000 }), 6_000);
    assert.equal(lat({ preset: 'standard', iterations: 20_000 }), 5_000);
    assert.equal(lat({ preset: 'standard', iterations: 1_000_000 }), 10_000);
    assert.equal(lat({ preset: 'custom', iterations: 1_000, warmup: 7 }), 7);
    // --iterations with --standard stays standard (its warm-up rule), without it the run is custom.
    assert.equal(parseBenchArgs(['--standard', '--iterations', '60k']).preset, 'standard');
    assert.equal(parseBenchArgs(['--iterations', '60k']).preset, 'custom');
    const thr = (totalBytes: number): number =>
      buildPlan({ mechanisms: ['pipe'], kinds: ['throughput'], pins: ['split'], totalBytes }, [0, 1]).cases[0]!.warmup;
    assert.equal(thr(32 << 20), 10_000);
    assert.equal(thr(8 * 2 ** 30), (8 * 2 ** 30) / 65_536 / 8);
  });

  it('compares with the seed claims (section 8)', () => {
    assert.deepEqual(seedClaim('shm-spin')!.latencyNs, [100, 100]);
    assert.equal(seedClaim('unix-dgram')!.mbPerS, 10_000);
    assert.equal(seedClaim('posix-mq'), null);
    const lat = compareWithClaim('pipe', 'latency', 30_000)!;
    assert.equal(lat.ratio, 3);
    assert.equal(lat.holds, false);
    assert.equal(compareWithClaim('tcp', 'latency', 40_000)!.holds, true);
    const thr = compareWithClaim('tcp', 'throughput', 2_000)!;
    assert.deepEqual([thr.ratio, thr.holds], [2, true]);
  });
});
