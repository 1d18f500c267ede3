#!/usr/bin/env node
// The `ipc-inspector` command line: the same engine as the extension, in a terminal.

import { parseArgs } from 'node:util';
import { oneShotThreads } from './core/scan/helperPool';
import { readThreadSignals } from './core/scan/processes';
import { takeSnapshot } from './core/scan/snapshot';
import type { ThreadSignals } from './core/procfs/signals';
import { ALL_KINDS, type IpcKind, type Snapshot } from './core/model';
import { renderSignalTable, renderTable } from './core/cliTable';
import { escapeControl, terminalJson } from './core/names';
import { runBenchCli } from './core/bench/cli';
import { runWatchCli } from './core/watchCli';
import { runSnippetsCli } from './core/snippetsCli';

const HELP = `ipc-inspector: the inter-process communication of this Linux machine

Usage:
  ipc-inspector ls [--json] [--kind KIND[,KIND...]]... [--signals]
      List IPC objects with the processes and file descriptors holding them, their peers and queue fill.
      --json     print the snapshot (schemaVersion 1) as JSON
      --kind     only these kinds (repeatable): ${ALL_KINDS.join(', ')}
      --signals  each process's signal dispositions instead: caught, ignored, blocked, pending (and threads')
  ipc-inspector watch <id> [--interval ms] [--count n] [--json]
      Print the queue fill of one object (pipe, FIFO, unix, tcp, udp, posix-mq, sysv-msg) every interval,
      from the cheap refresh path; ends with exit code 1 when the object vanishes ('ipc-inspector watch --help').
  ipc-inspector bench [--mechanism a,b] [--quick|--standard] [--latency-only|--throughput-only]
                      [--pin split|same|none] [--json]
      Measure latency percentiles and throughput of each mechanism between two processes
      ('ipc-inspector bench --help' for every option).
  ipc-inspector snippets [list] [--language L] [--mechanism M] [--json]
  ipc-inspector snippets show <id> --language L [--raw]
      The compile-checked snippet catalogue (Rust, C, Python, TypeScript); 'show' prints a runnable program.
  ipc-inspector help [ls|watch|bench|snippets] | --help | --version

Names are printed escaped (control, escape and bidi characters as \\n, \\x1b, \\u202e); --json keeps the
exact bytes in nameBase64 when a name is not valid UTF-8 or contains NUL, and writes C1, bidi and invisible
characters as \\u escapes.
Processes of other users are only inspectable as root (and a few the kernel protects, not even then);
their count is reported, with a note.
`;

const LS_HELP = `Usage: ipc-inspector ls [--json] [--kind KIND[,KIND...]]... [--signals]
  List IPC objects with the processes and file descriptors holding them, their peers and queue fill.
  --json     print the snapshot (schemaVersion 1) as JSON
  --kind     only these kinds; repeat it or list them with commas: ${ALL_KINDS.join(', ')}
  --signals  each process's signal dispositions instead (caught, ignored, blocked, pending for the process and
             for a thread), one row per process that has any, and one per thread whose mask is not its main
             thread's or with signals pending for it alone; with --json, the processes' "signals" blocks and,
             for multi-threaded ones, each thread's own ("threads": tid, name, blocked, pending)
`;

/** The kinds of every --kind given (repeated or comma-separated); undefined without --kind. */
export function parseKinds(values: readonly string[] | undefined): Set<IpcKind> | undefined {
  if (!values?.length) return undefined;
  const out = new Set<IpcKind>();
  for (const k of values.flatMap((v) => v.split(',')).map((s) => s.trim())) {
    if (!k) continue;
    if (!(ALL_KINDS as readonly string[]).includes(k)) throw new UsageError(`unknown kind '${escapeControl(k)}' (known: ${ALL_KINDS.join(', ')})`);
    out.add(k as IpcKind);
  }
  if (!out.size) throw new UsageError(`--kind needs at least one kind (known: ${ALL_KINDS.join(', ')})`);
  return out;
}

export class UsageError extends Error {}

function filterKinds(s: Snapshot, kinds: Set<IpcKind> | undefined): Snapshot {
  if (!kinds) return s;
  return { ...s, objects: s.objects.filter((o) => kinds.has(o.kind)) };
}

function cmdLs(args: string[]): number {
  const { values } = parseArgs({
    args, options: { json: { type: 'boolean' }, kind: { type: 'string', multiple: true }, signals: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true,
  });
  if (values.help) {
    process.stdout.write(LS_HELP);
    return 0;
  }
  if (values.signals && values.kind) throw new UsageError('--signals lists processes: it takes no --kind');
  const kinds = parseKinds(values.kind);
  if (values.signals) {
    // The process part of a snapshot only (signals come from /proc/PID/status, read for every process).
    const s = takeSnapshot({ threads: oneShotThreads(), kinds: [] });
    // Each thread's own mask and pending set, for multi-threaded processes (the status of a process is its main
    // thread's): read here, on demand, not in every scan.
    const threads = new Map<number, ThreadSignals[]>();
    for (const p of s.processes) {
      const n = (p.signals as { threads?: unknown } | undefined)?.threads;
      if (typeof n !== 'number' || n < 2) continue;
      const t = readThreadSignals(p.pid);
      if (t) threads.set(p.pid, t);
    }
    if (values.json) {
      process.stdout.write(`${terminalJson(s.processes.filter((p) => p.signals).map((p) => {
        const t = threads.get(p.pid);
        return t ? { pid: p.pid, comm: p.comm, signals: p.signals, threads: t } : { pid: p.pid, comm: p.comm, signals: p.signals };
      }))}\n`);
    } else process.stdout.write(renderSignalTable(s, threads));
    return 0;
  }
  const snap = filterKinds(takeSnapshot({ threads: oneShotThreads() }), kinds);
  if (values.json) {
    // (Two writes: a 2.5 MB document plus '\n' would be copied once more as one string.) Names keep C1 and bidi
    // controls, which JSON.stringify leaves raw: written as \u escapes, so none reaches a terminal.
    process.stdout.write(terminalJson(snap));
    process.stdout.write('\n');
  }
  else process.stdout.write(renderTable(snap));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'help':
        // `help CMD`: that command's own help (its --help); a word that is no command is a usage error.
        if (rest.length) {
          if (!['ls', 'watch', 'bench', 'snippets'].includes(rest[0]!)) throw new UsageError(`no help for '${escapeControl(rest[0]!)}' (commands: ls, watch, bench, snippets)`);
          return await main([rest[0]!, '--help']);
        }
        process.stdout.write(HELP);
        return 0;
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(HELP);
        return cmd === undefined ? 2 : 0;
      case '--version':
        process.stdout.write(`${VERSION}\n`);
        return 0;
      case 'ls':
        return cmdLs(rest);
      case 'snippets':
        return runSnippetsCli(rest);
      case 'watch':
        return await runWatchCli(rest);
      case 'bench':
        // runBenchCli stops the workers and removes their IPC objects itself on Ctrl-C, SIGTERM, SIGHUP and
        // a closed stdout (see the 'error' handler below).
        return await runBenchCli(rest);
      default:
        throw new UsageError(`unknown command '${escapeControl(cmd)}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      // (A UsageError escapes what it quotes; parseArgs quotes an unknown option as it was typed.)
      process.stderr.write(`ipc-inspector: ${e instanceof UsageError ? e.message : escapeControl((e as Error).message)}\nRun 'ipc-inspector --help' for usage.\n`);
      return 2;
    }
    process.stderr.write(`ipc-inspector: ${escapeControl(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

if (require.main === module) {
  const argv = process.argv.slice(2);
  // `ipc-inspector ls | head`: a closed stdout is a normal end, not a crash. Not for `bench`: it has
  // worker processes and IPC objects to remove first, so it watches its own writes, cancels the run and
  // ends with 141 (exiting here left a System V queue or a /tmp directory behind, with status 0).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (argv[0] === 'bench') return;
    if (e.code === 'EPIPE') process.exit(0);
    // Any other write error (a full disk, /dev/full): said in one line, not as a stack trace.
    process.stderr.write(`ipc-inspector: cannot write the output: ${e.code ?? e.message}\n`);
    process.exit(1);
  });
  void main(argv).then((code) => {
    process.exitCode = code;
  });
}
