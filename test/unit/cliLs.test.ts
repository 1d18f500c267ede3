// Unit: `ipc-inspector ls` options and its signal table (no kernel objects needed).

import { strict as assert } from 'node:assert';
import { main, parseKinds, UsageError } from '../../src/cli';
import { displayWidth, renderSignalTable, renderTable } from '../../src/core/cliTable';
import type { Snapshot } from '../../src/core/model';

describe('ls --kind', () => {
  it('takes kinds repeated and comma-separated, the union of all', () => {
    assert.deepEqual([...parseKinds(['fifo', 'unix,tcp', ' pipe '])!].sort(), ['fifo', 'pipe', 'tcp', 'unix']);
    assert.equal(parseKinds(undefined), undefined);
  });
  it('an empty list or an unknown kind is a usage error (it listed everything, or nothing, before)', () => {
    for (const v of [[''], [',,'], ['fifo', 'nope']]) assert.throws(() => parseKinds(v), UsageError, JSON.stringify(v));
    assert.throws(() => parseKinds(['\x1b[31mx']), (e: Error) => e.message.includes('\\x1b') && !e.message.includes('\x1b'));
  });
});

describe('usage errors echo what was typed escaped', () => {
  it('an unknown command, help topic or option: ESC and C1 shown as \\x1b, \\x9b, never raw', async () => {
    const orig = process.stderr.write.bind(process.stderr);
    let err = '';
    (process.stderr as { write: unknown }).write = (c: string | Uint8Array) => ((err += String(c)), true);
    try {
      assert.equal(await main(['\x1b]0;x\x07\u009b']), 2);
      assert.equal(await main(['help', '\x1b[2J']), 2);
      assert.equal(await main(['ls', '--\x1b[2J']), 2);
    } finally {
      (process.stderr as { write: unknown }).write = orig;
    }
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(err, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, JSON.stringify(err));
    assert.ok(err.includes("unknown command '\\x1b]0;x\\x07\\x9b'") && err.includes("no help for '\\x1b[2J'") && err.includes("'--\\x1b[2J'"), err);
  });
});

describe('ls --signals', () => {
  const snap = (processes: Snapshot['processes']): Snapshot => ({
    schemaVersion: 1, takenAt: '', durationMs: 1, self: { pid: 1 }, hidden: { processes: 0 }, notes: [], processes, objects: [],
  }) as Snapshot;
  const proc = (pid: number, comm: string, signals?: object) => ({ pid, ppid: 1, comm, cmdline: [], uid: 0, netns: null, ipcns: null, ...(signals ? { signals } : {}) });

  it('one row per process with any disposition, names without SIG, pending of the process and of the thread', () => {
    const out = renderSignalTable(snap([
      proc(10, 'quiet', { caught: [], ignored: [], blocked: [], pending: [], pendingThread: [] }),
      proc(11, 'kthread'),
      proc(12, 'srv\x1b[2J', { caught: ['SIGUSR1', 'SIGTERM'], ignored: ['SIGHUP'], blocked: ['SIGUSR2', 'SIGRTMIN+3'], pending: ['SIGUSR2'], pendingThread: ['SIGRTMIN+3'] }),
    ]));
    const lines = out.split('\n');
    assert.match(lines[0]!, /^PID\s+COMM\s+CAUGHT\s+IGNORED\s+BLOCKED\s+PENDING/);
    assert.equal(lines.filter((l) => /^\d+ {2}/.test(l)).length, 1, out);
    assert.match(lines[1]!, /^12\s+srv\\x1b\[2J\s+USR1,TERM\s+HUP\s+USR2,RTMIN\+3\s+USR2; thread RTMIN\+3$/);
    assert.match(out, /1 process with signal dispositions, of 3 processes seen/);
    assert.doesNotMatch(out, /\x1b/, 'no raw escape reaches the terminal');
  });

  it('threads: a row for a thread with signals pending for it alone; alike masks grouped; the main thread and its mask never', () => {
    const quiet = { caught: [], ignored: [], blocked: ['SIGINT'], pending: [], pendingThread: [] };
    const t = (tid: number, name: string, blocked: string[], pending: string[] = []) => ({ tid, name, blocked, pending });
    const out = renderSignalTable(snap([proc(20, 'rt', quiet), proc(30, 'calm', { ...quiet, blocked: [] })]), new Map([
      [20, [t(20, 'rt', ['SIGINT']), t(21, 'same', ['SIGINT']), t(22, 'w\x1b[1m', ['SIGUSR1'], ['SIGUSR1']), t(23, 'pool', ['SIGHUP', 'SIGTERM']), t(24, 'pool', ['SIGHUP', 'SIGTERM']), t(25, 'io', ['SIGHUP', 'SIGTERM'])]],
      // A process whose own lists are all empty still gets a row when one of its threads is notable.
      [30, [t(30, 'calm', []), t(31, 'blocker', ['SIGTERM'])]],
    ]));
    const lines = out.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    assert.ok(at(/^20\s+rt\s/) >= 0, out);
    assert.match(lines[at(/^20\s/) + 1]!, /^ {2}22\s+thread w\\x1b\[1m\s+USR1\s+thread USR1$/);
    assert.match(lines[at(/^20\s/) + 2]!, /^ {2}23\+2\s+3 threads: pool, io\s+HUP,TERM\s+-$/);
    assert.equal(at(/^ {2}21\s/), -1, 'a thread with the main thread\'s mask has no row');
    assert.match(lines[at(/^30\s/) + 1]!, /^ {2}31\s+thread blocker\s+TERM\s+-$/);
    assert.match(out, /indented rows: threads whose mask/);
    assert.doesNotMatch(out, /\x1b/);
  });

  it('a long list is cut with the count of the names left out, and a note says so', () => {
    const many = Array.from({ length: 30 }, (_, i) => `SIGRTMIN+${i}`);
    const out = renderSignalTable(snap([proc(5, 'rt', { caught: many, ignored: [], blocked: [], pending: [], pendingThread: [] })]));
    const cell = /^5\s+rt\s+(\S+ \+(\d+))/m.exec(out);
    assert.ok(cell, out);
    const shown = cell[1]!.split(' ')[0]!.split(',').length;
    assert.equal(shown + Number(cell[2]), 30, 'shown plus left out is every name');
    assert.ok(cell[1]!.length <= 60, cell[1]);
    assert.match(out, /note: long signal lists of 1 process are shortened/);
  });
});

describe('ls table layout', () => {
  const base = { schemaVersion: 1, takenAt: '', durationMs: 1, self: { pid: 1 }, hidden: { processes: 0 }, notes: [] };
  const proc = (pid: number, comm: string) => ({ pid, ppid: 1, comm, cmdline: [], uid: 0, netns: null, ipcns: null });
  const fifo = (inode: number, name: string, pids: number[]) => ({
    id: `fifo:1:${inode}`, kind: 'fifo', inode, name, findings: [], endpoints: pids.map((pid, i) => ({ pid, fd: 3 + i, access: 'r' })),
  });

  it('columns stay aligned after a name of wide characters (CJK take two columns each)', () => {
    const out = renderTable({
      ...base, processes: [proc(7, 'w')], objects: [fifo(1, '/tmp/管道', [7]), fifo(2, '/tmp/ab', [7])],
    } as unknown as Snapshot);
    const rows = out.split('\n').filter((l) => l.startsWith('fifo'));
    const col = (l: string) => displayWidth(l.slice(0, l.indexOf('w[7]')));
    assert.equal(rows.length, 2);
    assert.equal(col(rows[0]!), col(rows[1]!), out);
    assert.equal(displayWidth('管道'), 4);
    assert.equal(displayWidth('e\u0301'), 1, 'a combining mark takes no column');
  });

  it('a holders cell that is cut stays within 60 columns; one holder left over is shown, not summed up', () => {
    const pids = Array.from({ length: 9 }, (_, i) => 1000 + i);
    const long = renderTable({ ...base, processes: pids.map((p) => proc(p, 'python3')), objects: [fifo(1, '/tmp/f', pids)] } as unknown as Snapshot);
    const cell = /python3\[1000\].*?x\d+/.exec(long)![0];
    assert.ok(displayWidth(cell) <= 60, `${displayWidth(cell)}: ${cell}`);
    assert.match(cell, /\+\d+ more: python3 x\d+$/);
    // However many holders: never a "+1 more: python3 x1" (longer than the one holder it stands for), never wider than 60.
    for (let n = 2; n <= 12; n++) {
      const ps = Array.from({ length: n }, (_, i) => 2000 + i);
      const out = renderTable({ ...base, processes: ps.map((p) => proc(p, 'python3')), objects: [fifo(2, '/tmp/g', ps)] } as unknown as Snapshot);
      const row = out.split('\n').find((l) => l.startsWith('fifo'))!;
      const held = row.slice(row.indexOf('python3['));
      assert.doesNotMatch(held, /\+1 more/, `${n} holders: ${held}`);
      assert.ok(displayWidth(held.trimEnd()) <= 60, `${n} holders: ${held}`);
    }
  });
});

describe('ls table details', () => {
  it('eventfds show no (shared, meaningless) inode; mqueue notify pid, SysV nsems and a foreign netns are shown', () => {
    const s = {
      schemaVersion: 1, takenAt: '', durationMs: 1, self: { pid: 1 }, hidden: { processes: 0 }, notes: [],
      processes: [{ pid: 1, ppid: 0, comm: 'me', cmdline: [], uid: 0, netns: 4026531833, ipcns: null }],
      objects: [
        { id: 'eventfd:7', kind: 'eventfd', inode: 1038, name: 'eventfd 7', endpoints: [], findings: [], count: 2 },
        { id: 'posix-mq:3:9', kind: 'posix-mq', inode: 9, name: '/q', endpoints: [], findings: [], notifyPid: 4242 },
        { id: 'sysv-sem:0:5', kind: 'sysv-sem', inode: 5, name: 'key 0x1', endpoints: [], findings: [], nsems: 3 },
        { id: 'tcp:9:1', kind: 'tcp', inode: 1, name: '127.0.0.1:80', endpoints: [], findings: [], netns: 4026532999,
          inet: { family: 4, protocol: 'tcp', local: '127.0.0.1:80', remote: null, state: 'LISTEN', peer: null } },
        { id: 'tcp:9:2', kind: 'tcp', inode: 2, name: '127.0.0.1:80', endpoints: [], findings: [], netns: 4026531833,
          inet: { family: 4, protocol: 'tcp', local: '127.0.0.1:80', remote: null, state: 'LISTEN', peer: null } },
      ],
    } as unknown as Snapshot;
    const rows = renderTable(s).split('\n');
    const row = (start: RegExp) => rows.find((l) => start.test(l)) ?? '';
    assert.match(row(/^eventfd/), /^eventfd\s+-\s+eventfd 7/);
    assert.match(row(/^posix-mq/), /notify=4242/);
    assert.match(row(/^sysv-sem/), /nsems=3/);
    assert.match(row(/^tcp\s+1\s/), /netns=4026532999/);
    assert.doesNotMatch(row(/^tcp\s+2\s/), /netns=/, 'our own namespace is not repeated on every row');
  });
});
