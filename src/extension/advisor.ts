// "IPC Inspector: Choose a Mechanism…": the seed's decision tree as a quick-pick dialogue, ending in a
// recommendation with this machine's measured numbers, the matching snippet and the selection reasoning.

import * as vscode from 'vscode';
import { DECISION_TREE, type Recommendation, type Step } from '../core/advisor';
import { latestRun } from '../core/bench/storage';
import type { BenchRun } from '../core/bench/results';

function measuredLine(rec: Recommendation, run: BenchRun | null): string | undefined {
  if (!run) return undefined;
  const parts: string[] = [];
  for (const id of rec.benchmarks) {
    const rs = run.results.filter((r) => r.mechanism === id && r.status === 'ok');
    if (!rs.length) continue;
    const lat = rs.filter((r) => r.kind === 'latency' && r.latency).map((r) => `${(r.latency!.p50 / 1000).toFixed(1)} µs (${r.pin})`);
    const thr = rs.filter((r) => r.kind === 'throughput' && r.throughput).map((r) => `${r.throughput!.mb_per_s.toFixed(0)} MB/s`);
    parts.push(`${id}: ${[lat.length ? `p50 round trip ${lat.join(', ')}` : '', thr.join(', ')].filter(Boolean).join(' · ')}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

export async function chooseMechanism(storageDir: string): Promise<void> {
  let step: Step = DECISION_TREE;
  const trail: string[] = [];
  while ('question' in step) {
    const q = step.question;
    const pick = await vscode.window.showQuickPick(
      [{ label: 'Yes', detail: q.yesDetail, yes: true }, { label: 'No', detail: q.noDetail, yes: false }],
      { title: `Choose an IPC mechanism${trail.length ? ` (${trail.join(' › ')})` : ''}`, placeHolder: q.text, ignoreFocusOut: true },
    );
    if (!pick) return;
    trail.push(pick.yes ? q.yesDetail : q.noDetail);
    step = pick.yes ? q.yes : q.no;
  }
  const rec = step.recommendation;
  const measured = measuredLine(rec, latestRun(storageDir));
  type Item = vscode.QuickPickItem & { action?: () => Thenable<unknown> };
  const items: Item[] = [
    { label: `$(lightbulb) ${rec.title}`, detail: rec.reasoning },
    measured
      ? { label: '$(dashboard) Measured on this machine', detail: measured, action: () => vscode.commands.executeCommand('ipcInspector.showBenchmarks') }
      : { label: '$(play) Measure it on this machine', detail: `Run the quick benchmark for ${rec.benchmarks.join(', ')}`,
        action: () => vscode.commands.executeCommand('ipcInspector.runBenchmark', { mechanisms: rec.benchmarks, preset: 'quick', noPrompt: true }) },
    { label: `$(code) Insert a snippet: ${rec.snippet}`, detail: 'Correct, compile-checked code for this mechanism',
      action: () => vscode.commands.executeCommand('ipcInspector.insertSnippet', { mechanism: rec.snippet }) },
    { label: '$(list-unordered) Alternatives', detail: rec.alternatives },
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: `Recommendation: ${rec.title}`, placeHolder: trail.join(' › '), matchOnDetail: true });
  await chosen?.action?.();
}
