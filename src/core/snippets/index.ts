// Public API of the snippet catalogue for the extension and the CLI: list, look up, read bodies, dependencies.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MECHANISMS, SNIPPETS, UNAVAILABLE } from './catalogue';
import { generatedPath, snippetKey, type VsCodeSnippet } from './generate';
import { fillDefaults } from './placeholders';
import { LANGUAGES, SNIPPET_LANGUAGES, type Mechanism, type MechanismId, type SnippetEntry, type SnippetLanguage, type Unavailable } from './types';

export * from './types';
export { MECHANISMS, SNIPPETS, UNAVAILABLE } from './catalogue';
export { addDependencies, dependencyLine, missingCrates } from './cargo';
export { completionDescription, generatedPath, sourcePath } from './generate';
export { fillDefaults, parseSnippet } from './placeholders';

export interface SnippetFilter {
  language?: SnippetLanguage;
  mechanism?: MechanismId;
}

/** Snippets in catalogue order, optionally filtered. */
export function listSnippets(filter: SnippetFilter = {}): SnippetEntry[] {
  return SNIPPETS.filter((s) => (!filter.language || s.language === filter.language) && (!filter.mechanism || s.mechanism === filter.mechanism));
}

export function getSnippet(language: SnippetLanguage, id: string): SnippetEntry | undefined {
  return SNIPPETS.find((s) => s.language === language && s.id === id);
}

export function getMechanism(id: MechanismId): Mechanism | undefined {
  return MECHANISMS.find((m) => m.id === id);
}

/** Why `language` has no snippet for `mechanism`, if that is the case. */
export function unavailableReason(language: SnippetLanguage, mechanism: MechanismId): string | undefined {
  return UNAVAILABLE.find((u) => u.language === language && u.mechanism === mechanism)?.reason;
}

export function unavailableFor(language: SnippetLanguage): Unavailable[] {
  return UNAVAILABLE.filter((u) => u.language === language);
}

/** The catalogue language for a VS Code language id ('rust', 'c', 'python', 'typescript'), if any. */
export function languageForVscodeId(languageId: string): SnippetLanguage | undefined {
  return SNIPPET_LANGUAGES.find((l) => LANGUAGES[l].vscodeLanguageIds.includes(languageId));
}

/** The other program of a two-program mechanism (server for a client, ...). */
export function peerOf(entry: SnippetEntry): SnippetEntry | undefined {
  return entry.peer ? getSnippet(entry.language, entry.peer) : undefined;
}

const fileCache = new Map<string, Record<string, VsCodeSnippet>>();

/**
 * The snippet body in VS Code snippet syntax (for `new SnippetString(body)`), read from the generated file under
 * `root` (the extension's install directory), which ships in the VSIX. Throws if the file is missing or stale.
 */
export function snippetBody(root: string, entry: SnippetEntry): string {
  const file = path.join(root, generatedPath(entry.language));
  let parsed = fileCache.get(file);
  if (!parsed) {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, VsCodeSnippet>;
    fileCache.set(file, parsed);
  }
  const snippet = parsed[snippetKey(entry)];
  if (!snippet || snippet.prefix !== entry.prefix) throw new Error(`${file} has no snippet ${entry.prefix}: regenerate with npm run snippets:generate`);
  return snippet.body.join('\n') + '\n';
}

/** The body with every tab stop at its default: the plain program, e.g. for a preview. */
export function snippetPreview(root: string, entry: SnippetEntry): string {
  return fillDefaults(snippetBody(root, entry));
}
