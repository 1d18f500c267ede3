// Cargo.toml helpers for snippets: which of a snippet's crates a manifest lacks, and the lines to add for them.

import type { CrateDep } from './types';

/** Names of the crates a Cargo.toml already depends on (normal, dev, build, target-specific, workspace). */
export function declaredCrates(cargoToml: string): Set<string> {
  const names = new Set<string>();
  let inDeps = false;
  for (const raw of cargoToml.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim(); // good enough: crate names and keys never contain '#'
    if (line === '') continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      const section = (header[1] ?? '').replace(/\s+/g, '');
      // [dependencies.name] tables name the crate in the header.
      const table = /(?:^|\.)(?:dev-|build-)?dependencies\.("?)([A-Za-z0-9_-]+)\1$/.exec(section);
      if (table?.[2]) {
        names.add(normalise(table[2]));
        inDeps = false;
      } else {
        inDeps = /(?:^|\.)(?:dev-|build-)?dependencies$/.test(section);
      }
      continue;
    }
    if (!inDeps) continue;
    const key = /^"?([A-Za-z0-9_-]+)"?\s*(?:\.|=)/.exec(line);
    if (key?.[1]) names.add(normalise(key[1]));
  }
  return names;
}

/** Cargo treats `-` and `_` in crate names alike. */
function normalise(name: string): string {
  return name.replace(/_/g, '-').toLowerCase();
}

/** The crates of `wanted` that `cargoToml` does not declare yet. */
export function missingCrates(cargoToml: string, wanted: readonly CrateDep[]): CrateDep[] {
  const have = declaredCrates(cargoToml);
  return wanted.filter((c) => !have.has(normalise(c.name)));
}

/** A `[dependencies]` line for a crate, e.g. `memmap2 = "0.5"`. */
export function dependencyLine(dep: CrateDep): string {
  if (!dep.features || dep.features.length === 0) return `${dep.name} = "${dep.version}"`;
  const features = dep.features.map((f) => `"${f}"`).join(', ');
  return `${dep.name} = { version = "${dep.version}", features = [${features}] }`;
}

/**
 * Returns `cargoToml` with the missing crates appended to its first `[dependencies]` table (created at the end if
 * absent). Existing text is left byte-for-byte as it was.
 */
export function addDependencies(cargoToml: string, deps: readonly CrateDep[]): string {
  const missing = missingCrates(cargoToml, deps);
  if (missing.length === 0) return cargoToml;
  const eol = cargoToml.includes('\r\n') ? '\r\n' : '\n';
  const lines = cargoToml.split(/\r?\n/);
  const start = lines.findIndex((l) => /^\s*\[\s*dependencies\s*\]\s*(#.*)?$/.test(l));
  const added = missing.map(dependencyLine);
  if (start < 0) {
    const body = cargoToml.length === 0 || cargoToml.endsWith('\n') ? cargoToml : cargoToml + eol;
    return `${body}${body.trim() === '' ? '' : eol}[dependencies]${eol}${added.join(eol)}${eol}`;
  }
  // Insert after the last non-blank line of the table.
  let end = start + 1;
  while (end < lines.length && !/^\s*\[/.test(lines[end] ?? '')) end++;
  let insertAt = end;
  while (insertAt > start + 1 && (lines[insertAt - 1] ?? '').trim() === '') insertAt--;
  lines.splice(insertAt, 0, ...added);
  return lines.join(eol);
}
