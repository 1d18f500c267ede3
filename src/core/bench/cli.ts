// `ipc-inspector bench ...`: parses the options, runs the plan, prints JSON lines or a table; returns the exit code.

import { parseArgs } from 'node:util';
import type { BenchKind, MechanismId, Pin } from './catalogue';
import { MECHANISM_IDS, isMechanismId } from './catalogue';
import { formatRun } from './format';
import { allowedCpus, readLimits } from './machine';
import type { PlanOptions } from './plan';
import { buildPlan, parseBytes, parseCount } from './plan';
import type { BenchResult, BenchRun } from './results';
import { machineLine, toJsonLine } from './results';
import { AbortError, runPlan } from './runner';
import { STORED_RUNS, appendRun } from './storage';

export const BENCH_HELP = `Usage: ipc-inspector bench [options]

Measures IPC mechanisms between two worker processes on this machine.
  --mechanism a,b      mechanisms to run (default: all): ${MECHANISM_IDS.join(', ')}
  --quick              quick preset: 10,000 round trips, 32 MiB per throughput run (the default)
  --standard           standard preset: 100,000 round trips, 256 MiB per throughput run
  --latency-only       only ping-pong latency
  --throughput-only    only throughput
  --pin split|same|none  pin the two workers to two CPUs, one CPU, or not at all
                       (default: latency in split and same, throughput split)
  --size N[,M...]      latency message sizes in bytes (default 1; e.g. 1,64,4K); with --throughput-only,
                       the throughput message size instead
  --chunk N            throughput message size (default 64K; datagram and queue mechanisms use at most
                       their kernel limit and say so)
  --iterations N       measured round trips per latency run (a count: 20000, or 20k = 20,000, 2M = 2,000,000)
  --warmup N           warm-up round trips / messages, a count like --iterations (default: latency 5,000
                       round trips, with --standard 10% of the round trips but at least 5,000 and at most
                       10,000; throughput max(10,000, 1/8 of the messages))
  --total BYTES        bytes per throughput run (e.g. 256M; K, M, G are binary: 1K = 1024 bytes)
  --json               one JSON object per result line, then a {"kind":"machine"} line
  --store DIR          after printing the results, append the run to DIR/bench-runs.jsonl (DIR is created
                       if needed); the file keeps the last ${STORED_RUNS} runs, older ones are dropped
  -h, --help           this text
Ctrl-C, SIGTERM and SIGHUP cancel the run: both workers are stopped and every IPC object is removed. So does
a closed stdout (e.g. '--json | head -1': seen at the next result written).
Exit code: 0 all ran, 1 a measurement failed (data lost, error) or --store failed, 2 bad usage,
130 cancelled (signal), 141 stdout closed before every result was written (run cancelled as above).`;

/** Where the bench writes. Only the process's own stdio (the default) reports a closed stdout. */
export interface Out {
  out(s: string): void;
  err(s: string): void;
  /** Aborted, with the write error as reason, once stdout can no longer be written (EPIPE: its reader left). */
  outClosed?: AbortSignal;
  /** Settles once everything passed to out() so far has been written or has failed. */
  flush?(): Promise<void>;
}

/** Exit code when stdout was closed before everything was written (`| head`): 128 + SIGPIPE, as a shell reports a writer killed by it. */
export const EXIT_STDOUT_CLOSED = 141;
export const EXIT_CANCELLED = 130;

/** Signals that cancel a run like Ctrl-C. (SIGPIPE needs no handler: Node ignores it, a closed pipe shows as EPIPE.) */
const CANCEL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * stdout and stderr of this process. A failed write to stdout (EPIPE once its reader has gone, e.g.
 * `bench --json | head -c 1`) aborts `outClosed`, which cancels the run; later output is dropped. The
 * 'error' listeners keep such failures from being thrown as uncaught errors (which would end the process
 * before the workers are stopped and the IPC objects removed).
 */
function processStdio(): Out {
  const closed = new AbortController();
  const onError = (e: Error): void => { if (!closed.signal.aborted) closed.abort(e); };
  process.stdout.on('error', onError);
  process.stderr.on('error', () => { /* a hung-up terminal: the diagnostics are lost, the cleanup goes on */ });
  let last: Promise<void> = Promise.resolve();
  return {
    out(s) {
      if (closed.signal.aborted) return;
      last = new Promise((resolve) => { process.stdout.write(s, (e) => { if (e) onError(e); resolve(); }); });
    },
    err(s) { if (!process.stderr.destroyed) process.stderr.write(s); },
    outClosed: closed.signal,
    flush: () => last,
  };
}

function positiveInt(v: string | undefined, what: string, parse: (s: string) => number = parseBytes): number | undefined {
  if (v === undefined) return undefined;
  const n = parse(v);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new Error(`${what} must be a positive ${parse === parseCount ? 'count (e.g. 20000 or 20k)' : 'integer'}, got ${v}`);
  }
  return n;
}

export function parseBenchArgs(argv: string[]): PlanOptions & { json: boolean; store?: string; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      mechanism: { type: 'string', multiple: true },
      quick: { type: 'boolean' },
      standard: { type: 'boolean' },
      'latency-only': { type: 'boolean' },
      'throughput-only': { type: 'boolean' },
      pin: { type: 'string' },
      size: { type: 'string' },
      chunk: { type: 'string' },
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      total: { type: 'string' },
      json: { type: 'boolean' },
      store: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.quick && values.standard) throw new Error('--quick and --standard exclude each other');
  if (values['latency-only'] && values['throughput-only']) throw new Error('--latency-only and --throughput-only exclude each other');
  const mechanisms: MechanismId[] = [];
  for (const m of (values.mechanism ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    if (!isMechanismId(m)) throw new Error(`unknown mechanism '${m}'; known: ${MECHANISM_IDS.join(', ')}`);
    if (!mechanisms.includes(m)) mechanisms.push(m);
  }
  let pins: Pin[] | undefined;
  if (values.pin !== undefined) {
    if (!['split', 'same', 'none'].includes(values.pin)) throw new Error(`--pin must be split, same or none, got ${values.pin}`);
    pins = [values.pin as Pin];
  }
  const kinds: BenchKind[] | undefined = values['latency-only'] ? ['latency'] : values['throughput-only'] ? ['throughput'] : undefined;
  const sizes = values.size?.split(',').map((s) => positiveInt(s, '--size')!);
  const chunk = positiveInt(values.chunk, '--chunk');
  if (chunk !== undefined && sizes && kinds?.[0] === 'throughput') throw new Error('with --throughput-only give --size or --chunk, not both');
  const latencySizes = kinds?.[0] === 'throughput' ? undefined : sizes;
  const throughputSizes = chunk !== undefined ? [chunk] : kinds?.[0] === 'throughput' ? sizes : undefined;
  const iterations = positiveInt(values.iterations, '--iterations', parseCount);
  const warmup = values.warmup?.trim() === '0' ? 0 : positiveInt(values.warmup, '--warmup', parseCount);
  const totalBytes = positiveInt(values.total, '--total');
  const custom = sizes || chunk || iterations || warmup !== undefined || totalBytes;
  return {
    preset: values.standard ? 'standard' : custom ? 'custom' : 'quick',
    mechanisms, kinds, pins, latencySizes, throughputSizes, iterations, warmup, totalBytes,
    json: !!values.json, store: values.store, help: !!values.help,
  };
}

export async function runBenchCli(argv: string[], io: Out = processStdio(), signal?: AbortSignal): Promise<number> {
  let opts: ReturnType<typeof parseBenchArgs>;
  try {
    opts = parseBenchArgs(argv);
  } catch (e) {
    io.err(`ipc-inspector bench: ${(e as Error).message}\n\n${BENCH_HELP}\n`);
    return 2;
  }
  if (opts.help) { io.out(`${BENCH_HELP}\n`); return 0; }
  if (process.platform !== 'linux') { io.err('ipc-inspector bench: Linux only\n'); return 2; }
  const plan = buildPlan(opts, allowedCpus(), readLimits());
  if (!plan.cases.length) {
    io.err(`ipc-inspector bench: nothing to run${plan.skipped.length ? `: ${plan.skipped.map((s) => s.reason).join('; ')}` : ''}\n`);
    return 2;
  }
  // Every way a run can be cut short goes through this one abort: runPlan then kills both workers of the
  // current case, waits for them and removes its IPC objects before throwing AbortError.
  const ac = new AbortController();
  let cancelledBy = '';
  const cancel = (why: string): void => {
    cancelledBy ||= why;
    ac.abort();
  };
  const onSig = (sig: NodeJS.Signals): void => cancel(sig);
  const onCallerAbort = (): void => cancel('request');
  const onOutClosed = (): void => cancel('stdout');
  // `on`, not `once`: a second Ctrl-C while the workers are being stopped must not end the process before
  // the objects are removed (that takes milliseconds: the workers get SIGKILL).
  for (const sig of CANCEL_SIGNALS) process.on(sig, onSig);
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  io.outClosed?.addEventListener('abort', onOutClosed, { once: true });
  if (signal?.aborted) onCallerAbort();
  if (io.outClosed?.aborted) onOutClosed();
  // A reader that went away (EPIPE) ends with 141; any other failed write (EIO, ENOSPC) with 1.
  const outFailure = (): { why: string; code: number } => {
    const e = io.outClosed?.reason as NodeJS.ErrnoException | undefined;
    return e?.code === 'EPIPE'
      ? { why: 'stdout closed (EPIPE)', code: EXIT_STDOUT_CLOSED }
      : { why: `writing to stdout failed (${e?.code ?? e?.message ?? 'error'})`, code: 1 };
  };
  let run: BenchRun;
  try {
    run = await runPlan(plan, {
      signal: ac.signal,
      onProgress: (ev) => {
        if (ev.phase === 'start' && !opts.json) io.err(`[${ev.index + 1}/${ev.total}] ${ev.case.mechanism} ${ev.case.kind} pin ${ev.case.pin}...\n`);
        if (ev.phase === 'done' && opts.json && ev.result?.status === 'ok') io.out(`${JSON.stringify(toJsonLine(ev.result))}\n`);
        if (ev.phase === 'done' && ev.result?.status === 'failed') io.err(`FAILED ${ev.case.mechanism} ${ev.case.kind} pin ${ev.case.pin}: ${ev.result.error}\n`);
      },
    });
  } catch (e) {
    if (e instanceof AbortError) {
      if (cancelledBy === 'stdout') {
        const f = outFailure();
        io.err(`ipc-inspector bench: ${f.why}: run cancelled; workers stopped and IPC objects removed\n`);
        return f.code;
      }
      const partial = (e as AbortError & { run?: BenchRun }).run;
      if (partial && opts.json) io.out(`${JSON.stringify(machineLine(partial))}\n`);
      await io.flush?.();
      io.err(`ipc-inspector bench: cancelled${cancelledBy.startsWith('SIG') ? ` by ${cancelledBy}` : ''}; workers stopped and IPC objects removed\n`);
      return EXIT_CANCELLED;
    }
    io.err(`ipc-inspector bench: ${(e as Error).stack ?? e}\n`);
    return 1;
  } finally {
    for (const sig of CANCEL_SIGNALS) process.off(sig, onSig);
    signal?.removeEventListener('abort', onCallerAbort);
    io.outClosed?.removeEventListener('abort', onOutClosed);
  }
  // The results first: a --store that fails (a file where the directory should be, no space) must not
  // cost the run it was meant to keep.
  if (opts.json) io.out(`${JSON.stringify(machineLine(run))}\n`);
  else io.out(`${formatRun(run)}\n`);
  await io.flush?.();
  let stored = true;
  if (opts.store) {
    try {
      appendRun(opts.store, run);
    } catch (e) {
      stored = false;
      io.err(`ipc-inspector bench: the run was not stored in ${opts.store}: ${(e as Error).message}\n`);
    }
  }
  if (io.outClosed?.aborted) {
    const f = outFailure();
    io.err(`ipc-inspector bench: ${f.why} before every result was written\n`);
    return f.code;
  }
  return !stored || run.results.some((r: BenchResult) => r.status === 'failed') ? 1 : 0;
}
