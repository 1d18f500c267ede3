import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatRun, runToCsv } from '../../src/core/bench/format';
import { decodeConfig, encodeConfig, fillPattern, goLine, parseWorkerLine } from '../../src/core/bench/protocol';
import type { WorkerConfig } from '../../src/core/bench/protocol';
import type { BenchResult, BenchRun } from '../../src/core/bench/results';
import { claimFor, machineLine, toJsonLine } from '../../src/core/bench/results';
import { summarize } from '../../src/core/bench/stats';
import { RUNS_FILE, appendRun, latestRun, readRuns } from '../../src/core/bench/storage';

const latency: BenchResult = {
  mechanism: 'pipe', kind: 'latency', pin: 'split', cpus: [0, 1], msg_bytes: 1, iterations: 4, warmup: 1, impl: 'node',
  status: 'ok', notes: [], duration_ms: 5,
  latency: { ...summarize([1000, 2000.4, 3000, 40000]), cdf: [[0, 1000], [100, 40000]] },
};
const throughput: BenchResult = {
  mechanism: 'udp', kind: 'throughput', pin: 'split', cpus: [0, 1], msg_bytes: 65507, iterations: 100, warmup: 4,
  impl: 'node', status: 'ok', notes: ['65536-byte messages reduced to 65507'], duration_ms: 9,
  throughput: { bytes: 6550700, ns: 3_000_000, mb_per_s: 2183.566666 },
};
const failed: BenchResult = { ...throughput, mechanism: 'tcp', status: 'failed', error: 'data lost or reordered: message 3 arrived as message 4', throughput: undefined };

function run(id: string): BenchRun {
  return {
    id, started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:01.000Z', preset: 'quick',
    machine: {
      cpu_model: 'Test CPU', cores: 2, cpus_allowed: [0, 1], kernel: '6.1.0', arch: 'x64', node: 'v20', hypervisor: true,
      loadavg: [0.5, 0.25, 0.1], limits: { mqMsgsizeMax: 8192, sysvMsgmax: 8192, wmemDefault: 212992 },
    },
    results: [latency, throughput, failed],
    skipped: [{ mechanism: 'shm-spin', kind: 'latency', pin: 'same', reason: 'both sides spin' }],
    cancelled: false,
  };
}

describe('benchmark records, JSON lines and storage', () => {
  it('JSON line: exactly the issue\'s keys in order, null where a field does not apply', () => {
    const l = toJsonLine(latency);
    assert.deepEqual(Object.keys(l), ['mechanism', 'kind', 'msg_bytes', 'iterations', 'min_ns', 'p50_ns', 'p99_ns', 'p999_ns', 'max_ns', 'mean_ns', 'mb_per_s', 'pin']);
    assert.deepEqual(l, { mechanism: 'pipe', kind: 'latency', msg_bytes: 1, iterations: 4, min_ns: 1000, p50_ns: 2000, p99_ns: 40000, p999_ns: 40000, max_ns: 40000, mean_ns: 11500, mb_per_s: null, pin: 'split' });
    const t = toJsonLine(throughput);
    assert.deepEqual([t.min_ns, t.p50_ns, t.p99_ns, t.p999_ns, t.max_ns, t.mean_ns, t.mb_per_s], [null, null, null, null, null, null, 2183.6]);
    // One object per line: no newline inside.
    assert.ok(!JSON.stringify(l).includes('\n'));
  });

  it('machine line: kind machine with context, skipped and failed', () => {
    const m = machineLine(run('r1'));
    assert.equal(m.kind, 'machine');
    assert.equal(m.cpu_model, 'Test CPU');
    assert.deepEqual(m.loadavg, [0.5, 0.25, 0.1]);
    assert.deepEqual(m.failed, [{ mechanism: 'tcp', kind: 'throughput', pin: 'split', error: failed.error }]);
    assert.equal((m.skipped as unknown[]).length, 1);
  });

  it('readable table shows figures, seed claim, failures and skips', () => {
    const text = formatRun(run('r1'));
    assert.match(text, /pipe\s+split\s+1\s+4\s+1\.00\s+2\.00/);
    assert.match(text, /5-10 µs/);
    assert.match(text, /udp\s+split\s+65507\s+100\s+6\.6\s+2184/);
    assert.match(text, /FAILED:\n {2}tcp throughput pin split: data lost/);
    assert.match(text, /shm-spin latency pin same: both sides spin/);
    assert.match(formatRun(run('r1'), true), /^\| mechanism \| pin \|/m);
  });

  it('the footer explains only the ratio columns the tables have', () => {
    const footer = (results: BenchResult[]): string => formatRun({ ...run('r1'), results }).split('\n\n').pop()!;
    const LAT = /p50\/claim compares our p50 round trip with the upper end of the claimed latency/;
    const THR = /measured\/claim compares our MB\/s with the claimed throughput/;
    const tcpThroughput: BenchResult = { ...throughput, mechanism: 'tcp', msg_bytes: 65536 };
    assert.ok(claimFor(tcpThroughput), 'tcp has a throughput claim');
    // Throughput only: no word about latency ratios.
    assert.match(footer([tcpThroughput]), THR);
    assert.doesNotMatch(formatRun({ ...run('r1'), results: [tcpThroughput] }), /round trip/);
    // Latency only, and both.
    assert.match(footer([latency]), LAT);
    assert.doesNotMatch(footer([latency]), THR);
    const both = footer([latency, tcpThroughput]);
    assert.ok(LAT.test(both) && THR.test(both), both);
    // No ratio shown (a mechanism without a seed claim, or only failures): no footer.
    const noClaim: BenchResult = { ...latency, mechanism: 'posix-mq' };
    assert.equal(claimFor(noClaim), null);
    assert.doesNotMatch(formatRun({ ...run('r1'), results: [noClaim, failed], skipped: [] }), /Seed claims/);
  });

  it('CSV export: one row per result, quoted where needed, claims alongside', () => {
    const csv = runToCsv(run('r1')).trim().split('\n');
    assert.equal(csv.length, 4);
    assert.match(csv[0]!, /^mechanism,kind,pin,msg_bytes,iterations,min_ns,p50_ns/);
    assert.match(csv[1]!, /^pipe,latency,split,1,4,1000,2000,/);
    assert.match(csv[1]!, /,5-10 µs,0\.200$/);
    assert.match(csv[3]!, /,failed,data lost or reordered: message 3 arrived as message 4,node,/);
    const odd = { ...run('r2'), results: [{ ...failed, error: 'worker b: "x", then\n=cmd' }] };
    assert.match(runToCsv(odd), /,failed,"worker b: ""x"", then\n=cmd",node,/);
    assert.match(runToCsv({ ...odd, results: [{ ...failed, error: '=HYPERLINK(1)' }] }), /,'=HYPERLINK\(1\),/);
  });

  it('stores runs as JSON lines, skips damaged lines, keeps the newest N', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-store-'));
    try {
      assert.deepEqual(readRuns(dir), { runs: [], skipped: 0 });
      assert.equal(latestRun(dir), null);
      appendRun(dir, run('r1'));
      appendFileSync(path.join(dir, RUNS_FILE), '{"truncated": \n[1,2]\n');
      appendRun(dir, run('r2'));
      const got = readRuns(dir);
      assert.deepEqual(got.runs.map((r) => r.id), ['r1', 'r2']);
      assert.equal(got.skipped, 2);
      assert.deepEqual(latestRun(dir)!.results[0], latency);
      for (let i = 3; i <= 6; i++) appendRun(dir, run(`r${i}`), 3);
      assert.deepEqual(readRuns(dir).runs.map((r) => r.id), ['r4', 'r5', 'r6']);
      assert.equal(readFileSync(path.join(dir, RUNS_FILE), 'utf8').trim().split('\n').length, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('worker protocol: config round trip, go line, hostile worker output never throws', () => {
    const cfg: WorkerConfig = { mech: 'fifo', role: 'b', kind: 'throughput', size: 65536, iters: 10, warmup: 2, cpu: -1, name: '/ipcinsp-bench-1-2', path: '/tmp/x/ch', key: 1073742080, ringcap: 1 << 20, seed: 4294967295 };
    assert.deepEqual(decodeConfig(encodeConfig(cfg)), cfg);
    assert.throws(() => decodeConfig(['mech=pipe']), /missing role/);
    assert.throws(() => decodeConfig(encodeConfig({ ...cfg, size: 1.5 })), /not an integer/);
    assert.equal(goLine({ port: 4000, pid: 12, 'bad key': 1, nan: NaN }), 'go port=4000 pid=12\n');
    assert.deepEqual(parseWorkerLine('{"t":"ready","port":1234,"junk":"x"}'), { t: 'ready', info: { port: 1234 } });
    assert.deepEqual(parseWorkerLine('{"t":"result","samples":[1,2],"t_end":5}'), { t: 'result', samples: [1, 2], t_end: 5 });
    assert.deepEqual(parseWorkerLine('{"t":"result","t_start":7,"cpu_ns":900,"thread_ns":800,"cpu":"x"}'), { t: 'result', t_start: 7, cpu_ns: 900, thread_ns: 800 });
    assert.equal(parseWorkerLine(''), null);
    for (const bad of ['not json', '42', 'null', '{"t":"nope"}', '\u0000\u00ff{']) assert.equal(parseWorkerLine(bad)!.t, 'error');
  });

  it('pattern generator is deterministic per seed (both ends derive the expected bytes)', () => {
    const a = new Uint8Array(64), b = new Uint8Array(64), c = new Uint8Array(64);
    fillPattern(a, 7); fillPattern(b, 7); fillPattern(c, 8);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(new Set(a).size > 20);
  });
});
