// Integration: hostile names on real objects (FIFO, socket file, abstract socket, POSIX shm and mqueue, a comm and a
// command-line argument) through every surface outside the webviews: the CLI's `ls` table, `ls --json`,
// `ls --signals` (both forms) and `watch` (both forms), run as child processes; the tree model's labels,
// descriptions and hover markdown; the deletion checks' reasons, which the extension shows in notifications.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IpcObject, Snapshot } from '../../src/core/model';
import { checkRemoval } from '../../src/core/removal';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { buildFindings } from '../../src/core/view/findingsModel';
import { buildProcessTree } from '../../src/core/view/processModel';
import { buildTree } from '../../src/core/view/treeModel';
import { startHelper, type Holder } from './helpers/holders';

const CLI = path.join(__dirname, '../../src/cli.ts');
/** Controls, C1, bidi and invisible format characters: none may reach a terminal, a label or a notification raw. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufff9-\ufffb]/u;
/** How the workbench finds links in a notification (notificationsViewer, VS Code 1.10x): a command link runs on a click. */
const NOTICE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;
/** What GFM (VS Code's markdown) links by itself in a hover, without any link syntax. */
const AUTOLINK = /(?:https?|ftp):\/\/|www\./i;

interface Created { kind: string; raw: string; abstract?: boolean; ino: number; dev?: number }

function cli(args: string[]): { out: Buffer; err: Buffer; status: number | null } {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', CLI, ...args], { timeout: 60000, maxBuffer: 256 * 1024 * 1024 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

/** Terminal output: valid UTF-8 (a raw 0x9b byte is a C1 CSI to an 8-bit terminal), no control but newline. */
function assertTerminalSafe(b: Buffer, what: string): string {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  const m = RAW.exec(text);
  assert.equal(m, null, `${what}: raw U+${m?.[0].codePointAt(0)!.toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 10))}`);
  return text;
}

describe('hostile names through the CLI, the tree model and the notices', function () {
  this.timeout(120000);
  let dir: string;
  let h: Holder<{ pid: number; objects: Created[] }>;
  const arg = 'arg\x1b]8;;https://evil.example\x07x\u009b\u202e[x](command:workbench.action.quit)';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ipci-hostile-'));
    h = await startHelper('hostile_surfaces.py', [dir, arg]);
  });
  after(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const rawOf = (o: IpcObject): Buffer => o.nameBase64 !== undefined ? Buffer.from(o.nameBase64, 'base64')
    : Buffer.from(o.unix?.address === 'abstract' || ['posix-shm', 'posix-mq'].includes(o.kind) ? o.name.slice(1) : o.name, 'utf8');

  it('ls, ls --json, ls --signals (both forms) and watch (both forms) print no raw control, C1, bidi or invalid byte', () => {
    const table = cli(['ls']);
    assert.equal(table.status, 0, table.err.toString());
    const text = assertTerminalSafe(table.out, 'ls');
    assert.ok(text.includes('fifo-esc\\x1b[2J\\x1b[31mred'), 'the FIFO is listed, escaped');
    assert.ok(text.includes('fifo-raw\\x9b2J\\x9d'), 'bytes that are not UTF-8 are shown one by one');

    const json = cli(['ls', '--json']);
    assert.equal(json.status, 0, json.err.toString());
    const snap = JSON.parse(assertTerminalSafe(json.out, 'ls --json')) as Snapshot;
    // Escaped for the terminal, the same value for a program: every name byte for byte.
    for (const c of h.info.objects) {
      const o = snap.objects.find((x) => x.kind === c.kind && x.inode === c.ino && (c.dev === undefined || x['dev'] === c.dev));
      assert.ok(o, `${c.kind} ${Buffer.from(c.raw, 'base64').toString('latin1')}`);
      assert.deepEqual(rawOf(o), Buffer.from(c.raw, 'base64'));
      let utf8 = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(c.raw, 'base64'));
      } catch {
        utf8 = false;
      }
      assert.equal(o.nameBase64 !== undefined, !utf8, 'nameBase64 exactly for names that are not UTF-8');
    }
    const proc = snap.processes.find((p) => p.pid === h.info.pid);
    assert.equal(proc?.comm, '\x1b]0;pwn\x07\u009b\u202e');
    assert.ok(proc?.cmdline.includes(arg));

    for (const args of [['ls', '--signals'], ['ls', '--signals', '--json']]) {
      const r = cli(args);
      assert.equal(r.status, 0, r.err.toString());
      const t = assertTerminalSafe(r.out, args.join(' '));
      assert.ok(t.includes(String(h.info.pid)), `${args.join(' ')} lists the helper`);
    }

    const fifo = snap.objects.find((o) => o.kind === 'fifo' && o.name.includes('osc8'))!;
    for (const args of [['watch', fifo.id, '--count', '1'], ['watch', fifo.id, '--count', '1', '--json']]) {
      const r = cli(args);
      assert.equal(r.status, 0, r.err.toString());
      assertTerminalSafe(r.out, args.join(' '));
      assertTerminalSafe(r.err, `${args.join(' ')} (stderr)`);
    }
  });

  it('tree labels, descriptions and tooltips: escaped text, no link in a hover, no markup', () => {
    const s = takeSnapshot();
    const mine = new Set(s.objects.filter((o) => o.endpoints.some((e) => e.pid === h.info.pid)).map((o) => `obj:${o.id}`));
    assert.ok(mine.size >= h.info.objects.length);
    const tree = buildTree(s);
    let seen = 0;
    for (const n of tree.nodes.values()) {
      const texts = [n.label, n.description];
      if (n.type === 'endpoint') texts.push(n.tooltip);
      for (const t of texts) assert.equal(RAW.exec(t), null, `${n.type} ${JSON.stringify(t)}`);
      if (n.type !== 'object' || !mine.has(n.id)) continue;
      seen++;
      const tip = n.tooltip;
      assert.equal(RAW.exec(tip.replace(/\n/g, ' ')), null, JSON.stringify(tip));
      assert.equal(NOTICE_LINK.exec(tip), null, `a link in ${JSON.stringify(tip)}`);
      assert.equal(AUTOLINK.exec(tip), null, `a bare URL GFM would link in ${JSON.stringify(tip)}`);
      assert.ok(!/[<>]/.test(tip), `markup in ${JSON.stringify(tip)}`);
    }
    assert.ok(seen >= h.info.objects.length);
    const procs = buildProcessTree(s);
    for (const n of procs.nodes.values()) {
      for (const [k, v] of Object.entries(n)) if (typeof v === 'string') assert.equal(RAW.exec(v), null, `process ${k} ${JSON.stringify(v)}`);
    }
    for (const f of buildFindings(s)) {
      assert.equal(RAW.exec(f.label + f.description), null);
      assert.equal(RAW.exec(f.explanation.replace(/\n/g, ' ')), null);
    }
  });

  it('the reasons a deletion is refused (shown in notifications) quote the path escaped and link nothing', () => {
    const s = takeSnapshot();
    const fifos = s.objects.filter((o) => o.kind === 'fifo' && o.endpoints.some((e) => e.pid === h.info.pid));
    assert.equal(fifos.length, h.info.objects.filter((c) => c.kind === 'fifo').length);
    for (const o of fifos) {
      // Held: refused with the path in the reason (as root, and as any other user: "belongs to uid 0").
      const r = checkRemoval(o, process.getuid!(), s);
      assert.equal(r.ok, false);
      if (r.ok) continue;
      assert.equal(RAW.exec(r.reason), null, r.reason);
      assert.equal(NOTICE_LINK.exec(r.reason), null, `a notification would show a link: ${r.reason}`);
    }
  });
});
