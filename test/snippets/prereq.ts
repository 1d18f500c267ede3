// Checks the offline toolchains the snippet test needs and says exactly how to install what is missing.

import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { CrateDep } from '../../src/core/snippets/types';

export const DEBIAN_REGISTRY = '/usr/share/cargo/registry';

/** PATH with rustup's default location appended: a clean environment often lacks it. */
export function toolPath(): string {
  const cargoBin = path.join(homedir(), '.cargo', 'bin');
  const parts = (process.env.PATH ?? '').split(':');
  return parts.includes(cargoBin) ? parts.join(':') : [...parts, cargoBin].join(':');
}

function version(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, PATH: toolPath() }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 }).trim();
  } catch {
    return undefined;
  }
}

/** Debian package holding a crate's source (librust-<name>-dev). */
export function debianPackage(crate: string): string {
  return `librust-${crate.replace(/_/g, '-')}-dev`;
}

/** Crates whose source is not under /usr/share/cargo/registry (any version matching the major.minor wanted). */
export function missingCrateSources(crates: readonly CrateDep[]): CrateDep[] {
  let present: string[] = [];
  try {
    present = readdirSync(DEBIAN_REGISTRY);
  } catch {
    return [...crates];
  }
  return crates.filter((c) => !present.some((d) => d.startsWith(`${c.name}-${c.version}.`) || d === `${c.name}-${c.version}`));
}

export interface Prereqs {
  problems: string[];
  versions: Record<string, string>;
}

export function checkPrereqs(languages: ReadonlySet<string>, crates: readonly CrateDep[]): Prereqs {
  const problems: string[] = [];
  const versions: Record<string, string> = {};
  const need = (label: string, cmd: string, args: string[], hint: string): void => {
    const v = version(cmd, args);
    if (v) versions[label] = v.split('\n')[0] ?? v;
    else problems.push(`${label} not found (${cmd}): ${hint}`);
  };
  if (languages.has('rust')) {
    need('cargo', 'cargo', ['--version'], 'install Rust with rustup (Debian 12 rustc 1.63 is too old)');
    const missing = missingCrateSources(crates);
    if (missing.length > 0) {
      const pkgs = [...new Set(crates.map((c) => debianPackage(c.name)))].join(' ');
      problems.push(
        `Debian crate sources missing under ${DEBIAN_REGISTRY}: ${missing.map((c) => `${c.name} ${c.version}`).join(', ')}\n` +
          `    install them with:\n    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkgs}`,
      );
    }
  }
  if (languages.has('c')) need('gcc', 'gcc', ['--version'], 'apt-get install -y gcc libc6-dev');
  if (languages.has('python')) {
    const v = version('python3', ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])']);
    if (!v) problems.push('python3 not found');
    else {
      versions.python3 = v;
      const [maj, min] = v.split('.').map(Number);
      if ((maj ?? 0) < 3 || ((maj ?? 0) === 3 && (min ?? 0) < 10)) problems.push(`python3 ${v} is too old: the snippets need 3.10+`);
    }
  }
  if (languages.has('typescript')) {
    versions.node = process.version;
    if (!existsSync(path.join('node_modules', 'typescript')) || !existsSync(path.join('node_modules', 'esbuild'))) {
      problems.push('node_modules lacks typescript or esbuild: run npm ci');
    }
  }
  return { problems, versions };
}
