// The code lens provider and its registration, driven through a minimal stand-in for the `vscode` module.

import { strict as assert } from 'node:assert';
import Module from 'node:module';
import type { Snapshot } from '../../src/core/model';

// --- a tiny `vscode` stand-in: just what src/extension/codelens uses ---
const config: Record<string, unknown> = { 'ipcInspector.codeLens.enabled': true, 'editor.codeLens': true };
const registered: { selector: unknown; provider: unknown }[] = [];
const configListeners: ((e: { affectsConfiguration(s: string): boolean }) => void)[] = [];
class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...ds: { dispose(): unknown }[]): Disposable { return new Disposable(() => ds.forEach((d) => d.dispose())); }
  dispose(): void { this.fn(); }
}
class EventEmitter<T> {
  private fns: ((v: T) => void)[] = [];
  event = (fn: (v: T) => void) => { this.fns.push(fn); return new Disposable(() => { this.fns = this.fns.filter((f) => f !== fn); }); };
  fire(v: T): void { this.fns.forEach((f) => f(v)); }
  dispose(): void { this.fns = []; }
}
class Range { constructor(public sl: number, public sc: number, public el: number, public ec: number) {} }
class CodeLens { command: unknown; constructor(public range: Range, command?: unknown) { this.command = command; } }
const fakeVscode = {
  Disposable, EventEmitter, Range, CodeLens,
  workspace: {
    getConfiguration: (section?: string) => ({ get: (k: string, d: unknown) => config[section ? `${section}.${k}` : k] ?? d }),
    onDidChangeConfiguration: (fn: (typeof configListeners)[number]) => { configListeners.push(fn); return new Disposable(() => undefined); },
    onDidCloseTextDocument: () => new Disposable(() => undefined),
  },
  languages: {
    registerCodeLensProvider: (selector: unknown, provider: unknown) => {
      const r = { selector, provider };
      registered.push(r);
      return new Disposable(() => registered.splice(registered.indexOf(r), 1));
    },
  },
};
const load = (Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: unknown })._load = (req: string, ...rest: unknown[]) => (req === 'vscode' ? fakeVscode : load(req, ...rest));

const { registerCodeLenses } = require('../../src/extension/codelens') as typeof import('../../src/extension/codelens');

type Lens = { range: Range; command?: { title: string; command: string; arguments: unknown[] } };
type Provider = { provideCodeLenses(d: unknown, t: unknown): Lens[]; resolveCodeLens(l: Lens): Lens; onDidChangeCodeLenses(fn: () => void): unknown };

function doc(text: string, version = 1, languageId = 'rust') {
  return { uri: { toString: () => 'file:///x.rs', fsPath: '/x.rs' }, version, languageId, getText: () => text };
}
const token = { isCancellationRequested: false };
function snapshot(listening: boolean): Snapshot {
  return {
    schemaVersion: 1, takenAt: 't', durationMs: 1, self: { pid: 1 }, hidden: { processes: 0 }, notes: [], processes: [],
    objects: listening ? [{
      id: 'unix:8:5', kind: 'unix', inode: 5, name: '/tmp/a.sock', endpoints: [{ pid: 42, fd: 3, access: 'rw' }], findings: [],
      unix: { type: 'stream', state: 'listen', address: 'path', peer: null, pendingConnections: 0, inflightFds: 0 },
    }] : [],
  };
}

describe('code lens provider', () => {
  let current: Snapshot | undefined;
  let ensures = 0;
  const snapshotFns: ((s: Snapshot) => void)[] = [];
  const deps = {
    getSnapshot: () => current,
    onSnapshot: (fn: (s: Snapshot) => void) => { snapshotFns.push(fn); return new Disposable(() => snapshotFns.splice(snapshotFns.indexOf(fn), 1)); },
    ensureSnapshot: async () => { ensures++; },
    log: { debug: () => undefined },
  };
  const publish = (s: Snapshot) => { current = s; snapshotFns.forEach((f) => f(s)); };

  it('registers for the supported languages (file and untitled, never *) and only while enabled', () => {
    const d = registerCodeLenses({} as never, deps as never);
    assert.equal(registered.length, 1);
    const sel = registered[0]!.selector as { language: string; scheme: string }[];
    assert.equal(sel.length, 18);
    assert.ok(sel.every((f) => f.language !== '*' && (f.scheme === 'file' || f.scheme === 'untitled')));
    config['ipcInspector.codeLens.enabled'] = false;
    configListeners.forEach((f) => f({ affectsConfiguration: (s) => s === 'ipcInspector.codeLens.enabled' }));
    assert.equal(registered.length, 0);
    assert.equal(snapshotFns.length, 0);
    config['ipcInspector.codeLens.enabled'] = true;
    configListeners.forEach((f) => f({ affectsConfiguration: (s) => s === 'ipcInspector.codeLens.enabled' }));
    assert.equal(registered.length, 1);
    d.dispose();
    assert.equal(registered.length, 0);
    configListeners.length = 0;
  });

  it('scans once, then shows live titles and fires only when a shown title changes', async () => {
    const d = registerCodeLenses({} as never, deps as never);
    const p = registered[0]!.provider as Provider;
    let fired = 0;
    p.onDidChangeCodeLenses(() => fired++);
    const text = 'fn main() {\n    let l = UnixListener::bind("/tmp/a.sock")?;\n}\n';
    const lenses = p.provideCodeLenses(doc(text), token);
    assert.equal(lenses.length, 2);
    assert.deepEqual([lenses[0]!.range.sl, lenses[0]!.range.sc], [1, 12]);
    // No snapshot yet: "… scanning", and one request for a snapshot however many lenses resolve.
    assert.equal(p.resolveCodeLens(lenses[0]!).command!.title, '… scanning');
    p.resolveCodeLens(lenses[1]!);
    assert.equal(ensures, 1);
    publish(snapshot(false));
    assert.equal(fired, 1);
    const again = p.provideCodeLenses(doc(text), token).map((l) => p.resolveCodeLens(l));
    assert.equal(again[0]!.command!.title, '○ no such socket on this machine');
    assert.deepEqual(again[1]!.command!.arguments, [{ mechanisms: ['unix-stream'] }]);
    publish(snapshot(false)); // same titles: no event
    assert.equal(fired, 1);
    publish(snapshot(true));
    assert.equal(fired, 2);
    const live = p.provideCodeLenses(doc(text), token).map((l) => p.resolveCodeLens(l));
    assert.equal(live[0]!.command!.title, '● listening · 0 clients (server 42) · 0 B queued');
    assert.deepEqual([live[0]!.command!.command, live[0]!.command!.arguments], ['ipcInspector.revealObject', ['obj:unix:8:5']]);
    d.dispose();
  });

  it('offers a snippet at the top of an IPC-free file and honours editor.codeLens', () => {
    const d = registerCodeLenses({} as never, deps as never);
    const p = registered[0]!.provider as Provider;
    const [lens, ...rest] = p.provideCodeLenses(doc('fn main() {}\n', 1), token);
    assert.equal(rest.length, 0);
    assert.deepEqual([lens!.range.sl, lens!.command!.command], [0, 'ipcInspector.insertSnippet']);
    config['editor.codeLens'] = false;
    assert.deepEqual(p.provideCodeLenses(doc('UnixListener::bind("/x")', 2), token), []);
    config['editor.codeLens'] = true;
    d.dispose();
  });
});
