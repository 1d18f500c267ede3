// "IPC Inspector: Run Benchmark…": pick mechanisms and a preset, run with a cancellable progress
// notification (cancel kills both workers and removes their IPC objects), store the run, show the panel.

import * as vscode from 'vscode';
import { MECHANISMS, isMechanismId, type BenchKind, type MechanismId, type Pin } from '../../core/bench/catalogue';
import { buildPlan, parseBytes, type PlanOptions, type Preset } from '../../core/bench/plan';
import { allowedCpus, readLimits } from '../../core/bench/machine';
import { AbortError, runPlan } from '../../core/bench/runner';
import { appendRun } from '../../core/bench/storage';
import type { BenchRun } from '../../core/bench/results';
import type { Log } from '../log';
import { BenchPanel } from './benchPanel';

export interface BenchCommandArgs {
  mechanisms?: string[];
  preset?: 'quick' | 'standard';
  /** Skip the pickers (used by tests and by "Choose a Mechanism…"). */
  noPrompt?: boolean;
  kinds?: BenchKind[];
}

/** Running benchmarks, so deactivate() can stop them. */
const running = new Set<AbortController>();

export function stopAllBenchmarks(): void {
  for (const ac of running) ac.abort();
}

async function pickOptions(args: BenchCommandArgs): Promise<PlanOptions | undefined> {
  const preselected = new Set((args.mechanisms ?? []).filter(isMechanismId));
  let mechanisms: MechanismId[] = [...preselected];
  if (!args.noPrompt || !mechanisms.length) {
    const items = MECHANISMS.map((m) => ({
      label: m.id, description: m.label, detail: m.description, picked: preselected.size ? preselected.has(m.id) : true,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true, title: 'Run Benchmark: mechanisms', placeHolder: 'Each runs between two separate worker processes',
    });
    if (!picked || !picked.length) return undefined;
    mechanisms = picked.map((p) => p.label as MechanismId);
  }
  let preset: Preset = args.preset ?? 'quick';
  if (!args.noPrompt) {
    const p = await vscode.window.showQuickPick([
      { label: 'Quick', value: 'quick' as Preset, detail: '10,000 round trips, 32 MiB per throughput run: about a minute for everything' },
      { label: 'Standard', value: 'standard' as Preset, detail: '100,000 round trips, 256 MiB per throughput run' },
      { label: 'Custom…', value: 'custom' as Preset, detail: 'Choose latency/throughput, pinning, round trips and volume' },
    ], { title: 'Run Benchmark: preset' });
    if (!p) return undefined;
    preset = p.value;
  }
  const opts: PlanOptions = { preset, mechanisms, kinds: args.kinds };
  if (preset !== 'custom') return opts;
  const kinds = await vscode.window.showQuickPick([
    { label: 'Latency and throughput', kinds: ['latency', 'throughput'] as BenchKind[] },
    { label: 'Latency only', kinds: ['latency'] as BenchKind[] },
    { label: 'Throughput only', kinds: ['throughput'] as BenchKind[] },
  ], { title: 'Run Benchmark: what to measure' });
  if (!kinds) return undefined;
  const pin = await vscode.window.showQuickPick([
    { label: 'Default', detail: 'latency of blocking mechanisms on two CPUs and on one CPU; throughput on two CPUs', pins: undefined },
    { label: 'split', detail: 'the two workers on two different CPUs', pins: ['split'] as Pin[] },
    { label: 'same', detail: 'both workers on one CPU (spinning mechanisms are skipped)', pins: ['same'] as Pin[] },
    { label: 'none', detail: 'no pinning: the scheduler decides', pins: ['none'] as Pin[] },
  ], { title: 'Run Benchmark: CPU pinning' });
  if (!pin) return undefined;
  const iterations = await vscode.window.showInputBox({
    title: 'Run Benchmark: round trips per latency run', value: '20000',
    validateInput: (v) => (/^\d+$/.test(v) && Number(v) >= 100 && Number(v) <= 10_000_000 ? undefined : 'a whole number from 100 to 10,000,000'),
  });
  if (iterations === undefined) return undefined;
  const total = await vscode.window.showInputBox({
    title: 'Run Benchmark: bytes per throughput run', value: '64M',
    validateInput: (v) => { try { const n = parseBytes(v); return n >= 1 << 20 && n <= 16 * 2 ** 30 ? undefined : 'from 1M to 16G'; } catch { return 'a size such as 64M or 1G'; } },
  });
  if (total === undefined) return undefined;
  return { ...opts, kinds: kinds.kinds, pins: pin.pins, iterations: Number(iterations), totalBytes: parseBytes(total) };
}

export async function runBenchmarkCommand(context: vscode.ExtensionContext, log: Log, args: BenchCommandArgs = {}): Promise<BenchRun | undefined> {
  if (process.platform !== 'linux') {
    void vscode.window.showInformationMessage('IPC benchmarks run on Linux only.');
    return undefined;
  }
  const opts = await pickOptions(args);
  if (!opts) return undefined;
  const plan = buildPlan(opts, allowedCpus(), readLimits());
  if (!plan.cases.length) {
    void vscode.window.showWarningMessage(`Nothing to run: ${plan.skipped.map((s) => `${s.mechanism}: ${s.reason}`).join('; ') || 'no case'}`);
    return undefined;
  }
  const storageDir = context.globalStorageUri.fsPath;
  const ac = new AbortController();
  running.add(ac);
  try {
    const run = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'IPC benchmark', cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => ac.abort());
        const step = 100 / plan.cases.length;
        return runPlan(plan, {
          signal: ac.signal,
          onProgress: (ev) => {
            if (ev.phase !== 'start') return;
            const text = `${ev.index + 1}/${ev.total}: ${ev.case.mechanism} ${ev.case.kind}, ${ev.case.pin === 'none' ? 'not pinned' : `pinned ${ev.case.pin}`}`;
            progress.report({ message: text, increment: ev.index === 0 ? 0 : step });
            BenchPanel.progress(text);
            log.info(`benchmark ${text}`);
          },
        });
      },
    );
    appendRun(storageDir, run);
    BenchPanel.progress(null);
    const failed = run.results.filter((r) => r.status === 'failed');
    for (const f of failed) log.error(`benchmark ${f.mechanism} ${f.kind} (${f.pin}) failed: ${f.error}`);
    if (failed.length) void vscode.window.showWarningMessage(`${failed.length} benchmark case(s) failed (data lost or an error); see the panel and the log.`);
    BenchPanel.show(context.extensionUri, storageDir, log, run.id);
    return run;
  } catch (e) {
    BenchPanel.progress(null);
    if (e instanceof AbortError) {
      log.info('benchmark cancelled: workers stopped, IPC objects removed');
      void vscode.window.showInformationMessage('Benchmark cancelled: the worker processes were stopped and their IPC objects removed.');
      return undefined;
    }
    throw e;
  } finally {
    running.delete(ac);
  }
}
