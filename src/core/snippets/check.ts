// Consistency of the snippet tree: catalogue vs source files, lint of every source, freshness of generated files.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MECHANISMS, SNIPPETS, UNAVAILABLE } from './catalogue';
import { buildSnippetFile, generatedPath, lintSnippet, sourcePath } from './generate';
import { LANGUAGES, SNIPPET_LANGUAGES } from './types';

export interface TreeCheck {
  problems: string[];
  /** Repository-relative path -> expected content of every generated file. */
  generated: Map<string, string>;
}

/** Checks the tree under `root` (the repository); never throws on a missing file, reports it. */
export function checkSnippetTree(root: string): TreeCheck {
  const problems: string[] = [];
  const sources = new Map<string, string>();
  for (const e of SNIPPETS) {
    const rel = sourcePath(e);
    try {
      const text = readFileSync(path.join(root, rel), 'utf8');
      sources.set(rel, text);
      for (const p of lintSnippet(e, text)) problems.push(`${rel}: ${p}`);
    } catch {
      problems.push(`${rel}: listed in the catalogue but missing`);
    }
  }
  for (const lang of SNIPPET_LANGUAGES) {
    const dir = path.join(root, 'snippets', lang);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      const rel = `snippets/${lang}/${f}`;
      if (!sources.has(rel)) problems.push(`${rel}: not in the catalogue (src/core/snippets/catalogue.ts)`);
    }
  }
  problems.push(...checkCatalogue());
  const generated = new Map<string, string>();
  for (const lang of SNIPPET_LANGUAGES) {
    const text = buildSnippetFile(SNIPPETS, lang, (e) => sources.get(sourcePath(e)) ?? '');
    const rel = generatedPath(lang);
    generated.set(rel, text);
    let current: string | undefined;
    try {
      current = readFileSync(path.join(root, rel), 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== text) problems.push(`${rel}: out of date (run npm run snippets:generate)`);
  }
  return { problems, generated };
}

/** Rules on the catalogue itself. */
export function checkCatalogue(): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of SNIPPETS) {
    const key = `${e.language}/${e.id}`;
    if (seen.has(key)) problems.push(`${key}: duplicate id`);
    seen.add(key);
    if (!/^ipc-[a-z0-9-]+$/.test(e.prefix)) problems.push(`${key}: prefix ${e.prefix} must be ipc-<lowercase-words>`);
    if (e.prefix.startsWith('ipc-ipc-')) problems.push(`${key}: prefix ${e.prefix} repeats ipc-`);
    if (e.description.includes('\n') || e.description.length > 140) problems.push(`${key}: description must be one short line`);
    if (e.expect.length === 0) problems.push(`${key}: no expected output, the test could not tell an exchange happened`);
    if (e.language !== 'rust' && e.crates.length > 0) problems.push(`${key}: crates on a non-Rust snippet`);
    if (e.peer) {
      const peer = SNIPPETS.find((p) => p.language === e.language && p.id === e.peer);
      if (!peer) problems.push(`${key}: peer ${e.peer} does not exist`);
      else if (peer.peer !== e.id || peer.mechanism !== e.mechanism || !peer.role || peer.role === e.role) {
        problems.push(`${key}: peer ${e.peer} does not point back with the other role`);
      }
    } else if (e.role) problems.push(`${key}: role without a peer`);
  }
  const prefixes = new Map<string, string>();
  for (const e of SNIPPETS) {
    const other = prefixes.get(`${e.language}:${e.prefix}`);
    if (other && other !== e.id) problems.push(`${e.language}: prefix ${e.prefix} used twice`);
    prefixes.set(`${e.language}:${e.prefix}`, e.id);
  }
  for (const m of MECHANISMS) {
    for (const lang of SNIPPET_LANGUAGES) {
      const has = SNIPPETS.some((s) => s.mechanism === m.id && s.language === lang);
      const na = UNAVAILABLE.filter((u) => u.mechanism === m.id && u.language === lang);
      if (has && na.length > 0) problems.push(`${m.id}/${lang}: both a snippet and an "unavailable" entry`);
      if (!has && na.length === 0) problems.push(`${m.id}/${lang}: neither a snippet nor a reason why ${LANGUAGES[lang].label} cannot do it`);
      if (na.length > 1) problems.push(`${m.id}/${lang}: several "unavailable" entries`);
    }
  }
  return problems;
}
