// Extension-host tests of the editor features: the code lens above `UnixListener::bind("<path>")` shows the live
// listener another process holds; Insert Snippet fills an empty Rust file; Run Benchmark (quick, two mechanisms)
// stores a run and opens the results panel.
'use strict';
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');

const ID = 'ipc-inspector.ipc-inspector';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('IPC Inspector editor features (extension host)', function () {
  this.timeout(180000);
  let dir;
  let holder;

  before(async function () {
    await vscode.extensions.getExtension(ID).activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipc-e2e-lens-'));
  });

  after(function () {
    if (holder) holder.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the live listener in the lens above UnixListener::bind("<path>")', async function () {
    const sock = path.join(dir, 'app.sock');
    // Another process holds the listener, as in real use.
    holder = spawn('python3', ['-c', [
      'import socket, sys, time',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
      's.bind(sys.argv[1]); s.listen(8)',
      'print("ready", flush=True)',
      'time.sleep(600)',
    ].join('\n'), sock], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => {
      holder.stdout.once('data', resolve);
      holder.once('exit', (c) => reject(new Error(`listener holder exited with ${c}`)));
    });
    const file = path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, 'main.rs');
    fs.writeFileSync(file, [
      'use std::os::unix::net::UnixListener;',
      '',
      'fn main() -> std::io::Result<()> {',
      `    let listener = UnixListener::bind("${sock}")?;`,
      '    for stream in listener.incoming() { drop(stream?); }',
      '    Ok(())',
      '}',
      '',
    ].join('\n'));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    let titles = [];
    const deadline = Date.now() + 60000;
    // The first resolution may say "scanning" while the first snapshot is taken; the lens then refreshes.
    while (Date.now() < deadline) {
      const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 10);
      titles = lenses.filter((l) => l.range.start.line === 3 && l.command).map((l) => l.command.title);
      if (titles.some((t) => t.startsWith('● listening'))) break;
      await sleep(1000);
    }
    console.log(`[mocha]       lens titles: ${JSON.stringify(titles)}`);
    const status = titles.find((t) => t.startsWith('● listening'));
    assert.ok(status, `no live lens on line 4: ${JSON.stringify(titles)}`);
    assert.match(status, new RegExp(`\\b${holder.pid}\\b`), 'the lens names the listening process');
    assert.ok(titles.length >= 2, 'a second lens offers the chart or the benchmark');
  });

  it('inserts the Rust Unix-socket server snippet into an empty file', async function () {
    const doc = await vscode.workspace.openTextDocument({ language: 'rust', content: '' });
    await vscode.window.showTextDocument(doc);
    const ok = await vscode.commands.executeCommand('ipcInspector.insertSnippet', { language: 'rust', id: 'unix-stream-server' });
    assert.equal(ok, true);
    const text = doc.getText();
    assert.match(text, /fn main\(\)/);
    assert.match(text, /UnixListener::bind/);
    assert.match(text, /0o600|0600/, 'the socket is made owner-only');
    assert.doesNotMatch(text, /\.unwrap\(\)/, 'no unwrap on I/O');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('runs a quick benchmark of two mechanisms from the command and shows the results panel', async function () {
    const run = await vscode.commands.executeCommand('ipcInspector.runBenchmark', {
      mechanisms: ['pipe', 'unix-stream'], preset: 'quick', noPrompt: true, kinds: ['latency'],
    });
    assert.ok(run, 'the command returned the run');
    const mechs = new Set(run.results.map((r) => r.mechanism));
    assert.deepEqual([...mechs].sort(), ['pipe', 'unix-stream']);
    for (const r of run.results) {
      assert.equal(r.status, 'ok', `${r.mechanism} ${r.pin}: ${r.error}`);
      assert.ok(r.latency.min > 0 && r.latency.p50 <= r.latency.p99 && r.latency.p99 <= r.latency.max, `${r.mechanism} ${r.pin} figures`);
      console.log(`[mocha]       ${r.mechanism} ${r.pin}: p50 ${(r.latency.p50 / 1000).toFixed(1)} µs, p99 ${(r.latency.p99 / 1000).toFixed(1)} µs`);
    }
    // The panel's tab reaches this host's tab model asynchronously.
    const isPanel = (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('ipcInspector.benchResults');
    let tabs = [];
    for (let i = 0; i < 100 && !tabs.some(isPanel); i++) {
      await sleep(100);
      tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    }
    assert.ok(tabs.some(isPanel), `no results panel among ${tabs.map((t) => `${t.label} (${t.input && t.input.viewType})`).join(', ')}`);
    // Nothing left behind by the workers.
    const left = fs.readdirSync('/dev/shm').filter((n) => n.startsWith('ipcinsp-bench-'));
    assert.deepEqual(left, []);
  });
});
