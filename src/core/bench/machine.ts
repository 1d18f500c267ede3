// Machine context stored with every benchmark run: CPU, cores, kernel, allowed CPUs, load before the run.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Limits } from './plan';
import { DEFAULT_LIMITS, parseCpuList } from './plan';

export interface MachineContext {
  cpu_model: string;
  cores: number;
  /** CPUs this process may run on (sched affinity), from which split/same pins are chosen. */
  cpus_allowed: number[];
  kernel: string;
  arch: string;
  node: string;
  /** The CPU reports running under a hypervisor (cross-CPU wake-ups are then much dearer). */
  hypervisor: boolean;
  /** 1, 5 and 15 minute load averages before the run. */
  loadavg: [number, number, number];
  limits: Limits;
}

function read(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

export function allowedCpus(): number[] {
  const m = /^Cpus_allowed_list:\s*(.+)$/m.exec(read('/proc/self/status'));
  const list = m ? parseCpuList(m[1]!) : [];
  return list.length ? list : os.cpus().map((_, i) => i);
}

function readLimit(path: string, fallback: number): number {
  const v = Number(read(path).trim());
  return Number.isSafeInteger(v) && v > 0 ? v : fallback;
}

export function readLimits(): Limits {
  return {
    mqMsgsizeMax: readLimit('/proc/sys/fs/mqueue/msgsize_max', DEFAULT_LIMITS.mqMsgsizeMax),
    sysvMsgmax: readLimit('/proc/sys/kernel/msgmax', DEFAULT_LIMITS.sysvMsgmax),
    wmemDefault: readLimit('/proc/sys/net/core/wmem_default', DEFAULT_LIMITS.wmemDefault),
  };
}

export function machineContext(): MachineContext {
  const cpuinfo = read('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const [l1, l5, l15] = os.loadavg();
  return {
    cpu_model: model.trim(),
    cores: os.cpus().length,
    cpus_allowed: allowedCpus(),
    kernel: os.release(),
    arch: process.arch,
    node: process.version,
    hypervisor: /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo),
    loadavg: [l1 ?? 0, l5 ?? 0, l15 ?? 0],
    limits: readLimits(),
  };
}
