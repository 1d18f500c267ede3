// Builds the per-language VS Code snippet files (snippets/generated/<language>.code-snippets) and lints sources.

import { parseSnippet } from './placeholders';
import { LANGUAGES, type SnippetEntry, type SnippetLanguage } from './types';

/** One entry of a VS Code `.code-snippets` file. */
export interface VsCodeSnippet {
  prefix: string;
  description: string;
  body: string[];
}

export const GENERATED_DIR = 'snippets/generated';

/** Repository-relative path of a snippet's source. */
export function sourcePath(entry: Pick<SnippetEntry, 'id' | 'language'>): string {
  return `snippets/${entry.language}/${entry.id}.${LANGUAGES[entry.language].extension}`;
}

/** Repository-relative path of a language's generated snippet file (what `contributes.snippets` points at). */
export function generatedPath(language: SnippetLanguage): string {
  return `${GENERATED_DIR}/${language}.code-snippets`;
}

/** Key of an entry in the generated file; also shown by VS Code as the snippet's name. */
export function snippetKey(entry: SnippetEntry): string {
  return `IPC: ${entry.title}`;
}

/** Completion detail: the description plus what the snippet needs. */
export function completionDescription(entry: SnippetEntry): string {
  const needs: string[] = entry.crates.map((c) => `${c.name} = "${c.version}"`);
  needs.push(...entry.libs);
  if (entry.requires) needs.push(entry.requires);
  return needs.length > 0 ? `${entry.description} (needs ${needs.join(', ')})` : entry.description;
}

/** The generated JSON text for one language; `readSource` returns a snippet's source text. */
export function buildSnippetFile(entries: readonly SnippetEntry[], language: SnippetLanguage, readSource: (e: SnippetEntry) => string): string {
  const out: Record<string, VsCodeSnippet> = {};
  for (const e of entries) {
    if (e.language !== language) continue;
    const body = readSource(e).replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
    out[snippetKey(e)] = { prefix: e.prefix, description: completionDescription(e), body };
  }
  return JSON.stringify(out, null, 2) + '\n';
}

/** Problems that make a snippet unfit for the catalogue (empty = fine). */
export function lintSnippet(entry: SnippetEntry, source: string): string[] {
  const problems: string[] = [];
  const parsed = parseSnippet(source);
  if (parsed.variables.length > 0) {
    // VS Code would turn unknown variables into placeholders: write a literal `$` as `\$`.
    problems.push(`uses snippet variables ${[...new Set(parsed.variables)].join(', ')} (escape literal $ as \\$)`);
  }
  const meaningful = parsed.tabStops.filter((t) => t.index > 0 && t.defaultText.trim() !== '');
  if (meaningful.length === 0) problems.push('has no tab stop with a default value');
  if (parsed.tabStops.filter((t) => t.index === 0).length > 1) problems.push('has more than one $0');
  const first = parsed.filled.split('\n', 1)[0] ?? '';
  if (!/^(\/\/|\/\*|""")\s*\S/.test(first)) problems.push('first line must say what the snippet is for (a comment or docstring)');
  if (entry.language === 'rust' && /\.unwrap\(\)|\.expect\(/.test(parsed.filled)) problems.push('uses unwrap()/expect() instead of error handling');
  if (/\r/.test(source)) problems.push('contains carriage returns');
  if (/\t/.test(source)) problems.push('contains tabs (use spaces)');
  return problems;
}
