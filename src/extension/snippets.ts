// "IPC Inspector: Insert Snippet…": pick a mechanism's snippet for the active editor's language (with a live
// preview beside), insert it with its tab stops, and for Rust offer to add missing crates to the nearest Cargo.toml.

import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  LANGUAGES, SNIPPET_LANGUAGES, addDependencies, dependencyLine, languageForVscodeId, listSnippets, missingCrates,
  snippetBody, snippetPreview, unavailableFor, type SnippetEntry, type SnippetLanguage,
} from '../core/snippets';

const PREVIEW_SCHEME = 'ipc-inspector-snippet';

export class SnippetPreviewProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly root: string) {}

  static uri(e: SnippetEntry): vscode.Uri {
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${e.language}/${e.id}.${LANGUAGES[e.language].extension}` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const m = /^\/([a-z]+)\/([a-z0-9-]+)\.[a-z]+$/.exec(uri.path);
    const entry = m && listSnippets({ language: m[1] as SnippetLanguage }).find((s) => s.id === m[2]);
    return entry ? snippetPreview(this.root, entry) : '';
  }
}

export const SNIPPET_PREVIEW_SCHEME = PREVIEW_SCHEME;

async function closePreviews(): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === PREVIEW_SCHEME);
  if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
}

/** Nearest Cargo.toml above `file` (inside a workspace folder), or the first workspace folder's. */
function findCargoToml(doc: vscode.TextDocument): string | undefined {
  const starts: string[] = [];
  if (doc.uri.scheme === 'file') starts.push(path.dirname(doc.uri.fsPath));
  for (const f of vscode.workspace.workspaceFolders ?? []) if (f.uri.scheme === 'file') starts.push(f.uri.fsPath);
  for (const start of starts) {
    for (let d = start; ; d = path.dirname(d)) {
      const p = path.join(d, 'Cargo.toml');
      if (fs.existsSync(p)) return p;
      if (path.dirname(d) === d) break;
    }
  }
  return undefined;
}

async function offerCrates(entry: SnippetEntry, doc: vscode.TextDocument): Promise<void> {
  if (entry.language !== 'rust' || !entry.crates.length) return;
  const cargo = findCargoToml(doc);
  if (!cargo) {
    void vscode.window.showInformationMessage(`This snippet needs: ${entry.crates.map(dependencyLine).join(', ')} (no Cargo.toml found).`);
    return;
  }
  const text = fs.readFileSync(cargo, 'utf8');
  const missing = missingCrates(text, entry.crates);
  if (!missing.length) return;
  const add = await vscode.window.showInformationMessage(
    `The snippet needs ${missing.map((c) => c.name).join(', ')}. Add ${missing.length === 1 ? 'it' : 'them'} to ${vscode.workspace.asRelativePath(cargo)}?`,
    { detail: missing.map(dependencyLine).join('\n') }, 'Add to Cargo.toml');
  if (add !== 'Add to Cargo.toml') return;
  const uri = vscode.Uri.file(cargo);
  const cargoDoc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(cargoDoc.positionAt(0), cargoDoc.positionAt(cargoDoc.getText().length)), addDependencies(cargoDoc.getText(), missing));
  await vscode.workspace.applyEdit(edit);
  await cargoDoc.save();
}

type Item = vscode.QuickPickItem & { entry?: SnippetEntry; reason?: string };

export async function insertSnippet(root: string, args: { mechanism?: string; language?: string; id?: string } = {}): Promise<boolean> {
  let editor = vscode.window.activeTextEditor;
  let language: SnippetLanguage | undefined = (args.language && (SNIPPET_LANGUAGES as readonly string[]).includes(args.language))
    ? args.language as SnippetLanguage : editor ? languageForVscodeId(editor.document.languageId) : undefined;
  if (!language) {
    const pick = await vscode.window.showQuickPick(SNIPPET_LANGUAGES.map((l) => ({ label: LANGUAGES[l].label, language: l })), {
      title: 'Insert IPC Snippet: language', placeHolder: 'The active editor is not Rust, C, Python or TypeScript',
    });
    if (!pick) return false;
    language = pick.language;
    editor = undefined; // insert into a new editor of that language
  }
  let entries = listSnippets({ language });
  if (args.mechanism) entries = entries.filter((e) => e.mechanism === args.mechanism || e.id === args.mechanism);
  let entry = args.id ? entries.find((e) => e.id === args.id) : undefined;
  if (!entry) {
    const items: Item[] = entries.map((e) => ({ label: e.title, description: e.prefix, detail: e.description, entry: e }));
    if (!args.mechanism) {
      const un = unavailableFor(language);
      if (un.length) items.push({ label: 'Not available in this language', kind: vscode.QuickPickItemKind.Separator });
      for (const u of un) items.push({ label: `$(circle-slash) ${u.mechanism}`, detail: u.reason, reason: u.reason });
    }
    if (!items.length) {
      void vscode.window.showInformationMessage(`No ${LANGUAGES[language].label} snippet for ${args.mechanism ?? 'this mechanism'}.`);
      return false;
    }
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = `Insert IPC Snippet (${LANGUAGES[language].label})`;
    qp.placeholder = 'Mechanism; the preview opens beside';
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.items = items;
    const chosen = await new Promise<Item | undefined>((resolve) => {
      qp.onDidChangeActive(async ([a]) => {
        if (!a?.entry) return;
        const doc = await vscode.workspace.openTextDocument(SnippetPreviewProvider.uri(a.entry));
        await vscode.languages.setTextDocumentLanguage(doc, LANGUAGES[a.entry.language].vscodeLanguageIds[0]!);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
      });
      qp.onDidAccept(() => { resolve(qp.selectedItems[0]); qp.hide(); });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    await closePreviews();
    if (chosen?.reason) {
      void vscode.window.showInformationMessage(chosen.reason);
      return false;
    }
    entry = chosen?.entry;
  }
  if (!entry) return false;
  if (!editor) {
    const doc = await vscode.workspace.openTextDocument({ language: LANGUAGES[language].vscodeLanguageIds[0]!, content: '' });
    editor = await vscode.window.showTextDocument(doc);
  } else {
    editor = await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  }
  const ok = await editor.insertSnippet(new vscode.SnippetString(snippetBody(root, entry)));
  if (ok) await offerCrates(entry, editor.document);
  return ok;
}
