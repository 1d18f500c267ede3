// The benchmark engine's public surface for the CLI and the VS Code side (no `vscode` here).

export type { BenchKind, ClaimComparison, Family, Mechanism, MechanismId, Pin, SeedClaim } from './catalogue';
export { MECHANISMS, MECHANISM_IDS, compareWithClaim, formatClaim, isMechanismId, mechanism, seedClaim } from './catalogue';
export type { BenchCase, BenchPlan, Limits, PlanOptions, Preset, SkippedCase } from './plan';
export { PRESETS, buildPlan, parseBytes } from './plan';
export type { MachineContext } from './machine';
export { allowedCpus, machineContext, readLimits } from './machine';
export type { BenchResult, BenchRun, Impl, JsonLine } from './results';
export { claimFor, machineLine, toJsonLine } from './results';
export type { ProgressEvent, RunOptions } from './runner';
export { AbortError, runCase, runPlan } from './runner';
export type { LatencySummary } from './stats';
export { CDF_POINTS, nearestRank, summarize } from './stats';
export { RUNS_FILE, appendRun, latestRun, readRuns } from './storage';
export { formatRun, latencyTable, runToCsv, throughputTable } from './format';
export { runBenchCli } from './cli';
