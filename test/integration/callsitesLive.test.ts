// Integration: code lenses resolved against a real snapshot of real objects held by a helper process.

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findCallSites, resolveCallSite } from '../../src/core/callsites';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { startHelper, type Holder } from './helpers/holders';

interface Live { pid: number; client: number; path: string; abstract: string; fifo: string; port: number }

describe('code lenses on a real snapshot', function () {
  this.timeout(30000);
  const work = mkdtempSync(path.join(tmpdir(), 'ipci-lens-'));
  let h: Holder<Live>;
  before(async () => {
    h = await startHelper<Live>('../callsites/live_objects.py', [work]);
  });
  after(async () => {
    await h?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('shows the listener, its clients, the FIFO and the TCP port that the code names', () => {
    const { pid, client, port } = h.info;
    const src = [
      'use std::os::unix::net::UnixListener;',
      `const SOCK: &str = ${JSON.stringify(h.info.path)};`,
      'fn main() -> std::io::Result<()> {',
      '    let l = UnixListener::bind(SOCK)?;',
      `    let a = UnixListener::bind("\\0${h.info.abstract}")?;`,
      `    nix::unistd::mkfifo(${JSON.stringify(h.info.fifo)}, Mode::S_IRWXU)?;`,
      `    let t = std::net::TcpListener::bind("127.0.0.1:${port}")?;`,
      `    let gone = UnixListener::bind("${work}/nobody.sock")?;`,
      '    Ok(())',
      '}',
    ].join('\n');
    const sites = findCallSites(src, 'rust');
    assert.deepEqual(sites.map((s) => s.range.line), [3, 4, 5, 6, 7]);
    const snap = takeSnapshot();
    const titles = sites.map((s) => resolveCallSite(s, snap).title);
    assert.equal(titles[0], `● listening · 2 clients (server ${pid}, client ${client}) · 5 B queued`);
    assert.equal(titles[1], `● listening · 0 clients (server ${pid}) · 0 B queued`);
    assert.equal(titles[2], `FIFO · r: ${pid} · w: ${pid} · 100 B queued`);
    assert.match(titles[3]!, new RegExp(`^● LISTEN on 127\\.0\\.0\\.1:${port} \\(python3 ${pid}\\) · 1 connection$`));
    assert.equal(titles[4], '○ no such socket on this machine');
    const listener = resolveCallSite(sites[0]!, snap);
    const obj = snap.objects.find((o) => o.id === listener.objectId);
    assert.equal(obj?.unix?.state, 'listen');
    assert.ok(obj?.endpoints.some((e) => e.pid === pid));
  });

  it('names the processes that catch a signal when the snapshot carries dispositions', () => {
    const snap = takeSnapshot();
    const [sig] = findCallSites('signal.signal(signal.SIGUSR1, handler)', 'python');
    const { title, tooltip } = resolveCallSite(sig!, snap);
    // Node itself (this test runner) catches SIGUSR1 too, so the helper may not be among the three in the title;
    // the tooltip lists every catcher, newest first.
    if (snap.processes.some((p) => p['signals'] !== undefined)) {
      assert.match(title, /^SIGUSR1 caught by: /);
      assert.match(tooltip, new RegExp(`\\b${h.info.pid}\\b`));
    }
    else assert.equal(title, 'SIGUSR1 · handlers unknown (no signal dispositions in this snapshot)');
  });
});
