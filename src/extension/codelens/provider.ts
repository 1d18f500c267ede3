// The IPC code lens provider: ranges from the call-site finders (cached per document version), titles filled
// lazily from the latest snapshot, and change events only when a shown title would change.

import * as vscode from 'vscode';
import { actionLens, findCallSites, insertSnippetLens, resolveCallSite, scanningLens, statusLens, type CallSite, type LensCommand } from '../../core/callsites';
import type { Snapshot } from '../../core/model';

export interface CodeLensDeps {
  getSnapshot(): Snapshot | undefined;
  onSnapshot(fn: (s: Snapshot) => void): vscode.Disposable;
  ensureSnapshot(): Promise<void>;
  log: { debug(...a: unknown[]): void };
}

/** Larger documents (generated code, minified bundles) get no lenses. */
const MAX_CHARS = 4 * 1024 * 1024;

type Slot = 'status' | 'action';

class SiteLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly uri: string, readonly site: CallSite, readonly index: number, readonly slot: Slot) {
    super(range);
  }
}

interface DocEntry {
  version: number;
  sites: CallSite[];
  /** Title last handed to VS Code per lens key (`index:slot`), to decide whether a snapshot changes anything. */
  shown: Map<string, string>;
}

function toCommand(c: LensCommand): vscode.Command {
  return { title: c.title, tooltip: c.tooltip, command: c.command, arguments: c.arguments };
}

export class IpcCodeLensProvider implements vscode.CodeLensProvider<vscode.CodeLens>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly docs = new Map<string, DocEntry>();
  private ensureRequested = false;

  constructor(private readonly deps: CodeLensDeps) {}

  provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('editor', doc).get<boolean>('codeLens', true)) return [];
    const key = doc.uri.toString();
    let entry = this.docs.get(key);
    if (!entry || entry.version !== doc.version) {
      const text = doc.getText();
      if (text.length > MAX_CHARS || token.isCancellationRequested) return [];
      const t0 = performance.now();
      const sites = findCallSites(text, doc.languageId);
      this.deps.log.debug(`code lens: ${sites.length} call sites in ${doc.uri.fsPath} (${(performance.now() - t0).toFixed(1)} ms)`);
      // Lens indices change with the text: what was shown is recorded again as lenses resolve.
      entry = { version: doc.version, sites, shown: new Map() };
      this.docs.set(key, entry);
    }
    if (entry.sites.length === 0) {
      // An IPC-free file of a supported language: offer a snippet at the top.
      return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), toCommand(insertSnippetLens()))];
    }
    const out: vscode.CodeLens[] = [];
    entry.sites.forEach((site, i) => {
      const r = new vscode.Range(site.range.line, site.range.start, site.range.line, site.range.end);
      out.push(new SiteLens(r, key, site, i, 'status'), new SiteLens(r, key, site, i, 'action'));
    });
    return out;
  }

  resolveCodeLens(lens: vscode.CodeLens): vscode.CodeLens {
    if (!(lens instanceof SiteLens)) return lens;
    const snapshot = this.deps.getSnapshot();
    let cmd: LensCommand | undefined;
    if (!snapshot) {
      if (!this.ensureRequested) {
        this.ensureRequested = true;
        this.deps.ensureSnapshot().catch((e: unknown) => {
          // Let a later resolve try again rather than showing "scanning" for ever.
          this.ensureRequested = false;
          this.deps.log.debug('code lens: snapshot failed', e);
        });
      }
      cmd = lens.slot === 'status' ? scanningLens() : undefined;
    } else {
      const res = resolveCallSite(lens.site, snapshot);
      cmd = lens.slot === 'status' ? statusLens(res) : actionLens(res);
    }
    this.docs.get(lens.uri)?.shown.set(`${lens.index}:${lens.slot}`, cmd?.title ?? '');
    // A lens left without a command is not drawn (no action for this site).
    if (cmd) lens.command = toCommand(cmd);
    return lens;
  }

  /** A new snapshot: fire only if a title already shown would read differently now. */
  snapshotChanged(snapshot: Snapshot): void {
    this.ensureRequested = false;
    for (const entry of this.docs.values()) {
      for (const [key, old] of entry.shown) {
        const [idx, slot] = key.split(':') as [string, Slot];
        const site = entry.sites[Number(idx)];
        if (!site) continue;
        const res = resolveCallSite(site, snapshot);
        const now = slot === 'status' ? statusLens(res).title : actionLens(res)?.title ?? '';
        if (now !== old) {
          this.changed.fire();
          return;
        }
      }
    }
  }

  /** Settings such as `editor.codeLens` changed: ask VS Code to ask again. */
  refresh(): void {
    this.changed.fire();
  }

  forget(uri: vscode.Uri): void {
    this.docs.delete(uri.toString());
  }

  dispose(): void {
    this.changed.dispose();
    this.docs.clear();
  }
}
