// Unit tests for the /proc parsers: real captured text (test/fixtures/proc) plus odd and fuzzed input.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseDirents } from '../../native/libc';
import { cmdlineBase64, parseCmdline } from '../../src/core/procfs/cmdline';
import { accessFromFlags, parseFdinfo, scanFdinfoScm } from '../../src/core/procfs/fdinfo';
import { parseProcNetUnix } from '../../src/core/procfs/netunix';
import { parsePidStat } from '../../src/core/procfs/pidstat';
import { statusSignals } from '../../src/core/procfs/signals';
import { parseStatus, statusUid } from '../../src/core/procfs/status';

const fixture = (name: string): Buffer => readFileSync(path.join(__dirname, '../fixtures/proc', name));

describe('procfs: /proc/PID/stat', () => {
  it('reads a real stat line', () => {
    const { stat, skipped } = parsePidStat(fixture('stat-python.txt'));
    assert.ok(stat);
    assert.equal(Buffer.from(stat.comm).toString(), 'python3');
    assert.equal(stat.state, 'R');
    assert.ok(stat.pid > 0 && stat.ppid > 0 && stat.starttime > 0);
    assert.deepEqual(skipped, []);
  });
  it('keeps a comm holding ") (", spaces, a newline and fake fields (captured from a real process)', () => {
    const { stat } = parsePidStat(fixture('stat-odd-comm.txt'));
    assert.ok(stat);
    assert.equal(Buffer.from(stat.comm).toString(), 'x) (y\nz) S 1 2');
    assert.equal(stat.state, 'R');
    // The real ppid, not the "1" planted in the comm.
    const real = parsePidStat(fixture('stat-python.txt')).stat!;
    assert.equal(stat.ppid, real.ppid);
  });
  it('keeps comm bytes that are not UTF-8', () => {
    const buf = Buffer.concat([Buffer.from('42 ('), Buffer.from([0xff, 0xfe, 0x29]), Buffer.from(') S 7 1 1 0 -1 0')]);
    const { stat } = parsePidStat(buf);
    assert.deepEqual([...stat!.comm], [0xff, 0xfe, 0x29]);
    assert.equal(stat!.ppid, 7);
  });
  it('returns null, not a throw, for truncated lines', () => {
    const full = fixture('stat-odd-comm.txt');
    for (let i = 0; i <= full.length; i++) {
      const { stat } = parsePidStat(full.subarray(0, i));
      if (stat) assert.ok(Number.isInteger(stat.ppid));
    }
    assert.equal(parsePidStat('').stat, null);
    assert.equal(parsePidStat('12 (x)').stat, null);
  });
  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => { parsePidStat(b); }), { numRuns: 2000 });
  });

  it('splits the fields after comm exactly as /\\s+/ does, odd whitespace (tab, newline, NBSP byte) included', () => {
    const token = fc.oneof(fc.integer({ min: -5, max: 1e9 }).map(String), fc.constantFrom('S', 'R', 'x1', '-', '99999999999999999999'));
    const space = fc.array(fc.constantFrom(' ', '\t', '\n', '\r', '\x0b', '\x0c', '\xa0'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
    fc.assert(fc.property(fc.array(fc.tuple(space, token), { maxLength: 30 }), space, (parts, tail) => {
      const after = parts.map(([sp, t]) => sp + t).join('') + tail;
      const buf = Buffer.from(`42 (a) b)${after}`, 'latin1');
      const rest = Buffer.from(after, 'latin1').toString('latin1').trim().split(/\s+/);
      const num = (i: number): number | null => (rest[i] !== undefined && /^-?\d+$/.test(rest[i]!) && Number.isSafeInteger(Number(rest[i])) ? Number(rest[i]) : null);
      const { stat } = parsePidStat(buf);
      if (num(1) === null || !rest[0]) return assert.equal(stat, null);
      assert.ok(stat);
      assert.deepEqual([stat.state, stat.ppid, stat.pgrp, stat.session, stat.ttyNr, stat.flags, stat.numThreads, stat.starttime],
        [rest[0], num(1), num(2) ?? 0, num(3) ?? 0, num(4) ?? 0, num(6) ?? 0, num(17) ?? 0, num(19) ?? 0]);
    }), { numRuns: 3000 });
  });
});

describe('procfs: /proc/PID/status', () => {
  it('reads uid, threads and the signal masks of a real file', () => {
    const { status, skipped } = parseStatus(fixture('status-python.txt').toString());
    assert.deepEqual(skipped, []);
    assert.equal(status.uid?.length, 4);
    assert.equal(status.uid![0], 0);
    assert.equal(status.threads, 1);
    assert.equal(typeof status.sigBlk, 'bigint');
    assert.ok(status.sigQ && status.sigQ.limit > 0);
    assert.equal(statusUid(fixture('status-python.txt').toString()), status.uid![0]);
  });
  it('decodes signal masks as bit sets (bit n-1 = signal n)', () => {
    const { status } = parseStatus('SigBlk:\t0000000000000200\nSigCgt:\t0000000180000002\n');
    assert.equal(status.sigBlk, 1n << 9n); // SIGUSR1 = 10 -> bit 9
    assert.equal(status.sigCgt, (1n << 1n) | (1n << 31n) | (1n << 32n));
  });
  it('reports malformed lines instead of throwing', () => {
    const { status, skipped } = parseStatus('Uid:\tx y\nnonsense\nSigBlk:\tzz\n');
    assert.equal(status.uid, null);
    assert.equal(status.sigBlk, null);
    assert.equal(skipped.length, 3);
    assert.equal(statusUid('Name:\tx\n'), null);
  });
  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { parseStatus(s); statusUid(s); }), { numRuns: 2000 });
  });
});

describe('procfs: cmdline', () => {
  it('fuzz: any bytes split at NUL, the arguments as the decoder reads them, never a throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      const args = parseCmdline(b);
      const nuls = b.filter((x) => x === 0).length;
      assert.equal(args.length, nuls + (b.length && b[b.length - 1] !== 0 ? 1 : 0));
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }).filter((x) => !x.includes('\0')), { maxLength: 10 }), (list) => {
      assert.deepEqual(parseCmdline(Buffer.from(list.map((a) => a + '\0').join(''))), list);
    }), { numRuns: 1000 });
  });
  it('splits a real cmdline at NUL without a trailing empty argument', () => {
    const args = parseCmdline(fixture('cmdline-python.bin'));
    assert.ok(args[0]!.endsWith('python3'));
    assert.equal(args[1], '-');
    assert.ok(args.every((a) => a !== ''));
  });
  it('keeps empty arguments in the middle and a rewritten cmdline without NULs', () => {
    assert.deepEqual(parseCmdline(Buffer.from('a\0\0b\0')), ['a', '', 'b']);
    assert.deepEqual(parseCmdline(Buffer.from('nginx: worker process')), ['nginx: worker process']);
    assert.deepEqual(parseCmdline(Buffer.alloc(0)), []);
  });
  it('keeps the exact bytes (base64) only when an argument is not UTF-8', () => {
    assert.equal(cmdlineBase64(Buffer.from('python3\0-c\0print("\u00e9\u202e")\0')), undefined);
    assert.equal(cmdlineBase64(Buffer.alloc(0)), undefined);
    const bad = Buffer.from('prog\0arg-\xff\xfe\n<b>\0', 'latin1');
    assert.deepEqual(Buffer.from(cmdlineBase64(bad)!, 'base64'), bad);
    assert.deepEqual(parseCmdline(bad), ['prog', 'arg-\ufffd\ufffd\n<b>']);
    // A truncated multi-byte sequence at the end of a (rewritten, cut) command line is not UTF-8 either.
    const cut = Buffer.from('caf\u00e9', 'utf8').subarray(0, 4);
    assert.deepEqual(Buffer.from(cmdlineBase64(cut)!, 'base64'), cut);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      const raw = cmdlineBase64(b);
      const valid = Buffer.from(new TextDecoder().decode(b), 'utf8').equals(Buffer.from(b));
      assert.equal(raw === undefined, valid);
      if (raw !== undefined) assert.deepEqual(Buffer.from(raw, 'base64'), Buffer.from(b));
    }), { numRuns: 2000 });
  });
});

describe('procfs: fdinfo', () => {
  it('reads access mode from the octal flags of real pipe ends', () => {
    assert.equal(parseFdinfo(fixture('fdinfo-pipe-read.txt').toString()).fdinfo.access, 'r');
    const w = parseFdinfo(fixture('fdinfo-pipe-write.txt').toString()).fdinfo;
    assert.equal(w.access, 'w');
    assert.equal(w.flags! & 0o2000000, 0o2000000); // O_CLOEXEC, read as octal
    assert.ok(w.ino! > 0 && w.mntId! > 0);
  });
  it('reads scm_fds (in-flight fds) of a real unix socket', () => {
    const f = parseFdinfo(fixture('fdinfo-unix-scm.txt').toString()).fdinfo;
    assert.equal(f.scmFds, 2);
    assert.equal(f.access, 'rw');
  });
  it('reads the eventfd counter in hex (20 written -> 0x14)', () => {
    const f = parseFdinfo(fixture('fdinfo-eventfd.txt').toString()).fdinfo;
    assert.equal(f.eventfdCount, 20);
    assert.equal(f.eventfdSemaphore, false);
    assert.ok(f.eventfdId !== null);
  });
  it('reads signalfd masks, pidfd pids and keeps unknown keys', () => {
    const f = parseFdinfo('pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t1\nsigmask:\t0000000000004000\nlock:\t1: POSIX\nlock:\t2: FLOCK\nPid:\t77\n').fdinfo;
    assert.equal(f.sigmask, 1n << 14n);
    assert.equal(f.pidfdPid, 77);
    assert.equal(f.extra['lock'], '2: FLOCK');
  });
  it('O_PATH fds have no access mode', () => {
    assert.equal(accessFromFlags(0o10000000), null);
    assert.equal(accessFromFlags(0o2), 'rw');
  });
  it('truncated at every offset gives nulls, never a throw', () => {
    const full = fixture('fdinfo-unix-scm.txt').toString();
    for (let i = 0; i <= full.length; i++) {
      const { fdinfo } = parseFdinfo(full.slice(0, i));
      if (fdinfo.scmFds !== null) assert.ok(fdinfo.scmFds >= 0);
    }
    assert.equal(parseFdinfo('flags:\t09\n').fdinfo.flags, null); // not octal
  });
  it('never throws on arbitrary text; the scan fast path agrees with the full parser', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { parseFdinfo(s); scanFdinfoScm(s); }), { numRuns: 2000 });
    const lines = fc.array(fc.oneof(
      fc.nat().map((n) => `ino:\t${n}`), fc.nat(9).map((n) => `scm_fds: ${n}`), fc.constant('pos:\t0'),
      fc.constant('flags:\t02'), fc.constant('scm_fds: x'), fc.constant('xino: 5'), fc.string({ maxLength: 12 }),
    ), { maxLength: 8 });
    fc.assert(fc.property(lines, (ls) => {
      const text = ls.join('\n') + '\n';
      const full = parseFdinfo(text).fdinfo;
      assert.deepEqual(scanFdinfoScm(text), { ino: full.ino, scmFds: full.scmFds });
    }), { numRuns: 2000 });
    assert.deepEqual(scanFdinfoScm(fixture('fdinfo-unix-scm.txt').toString()), { ino: 48932, scmFds: 2 });
  });
});

describe('procfs: /proc/net/unix (fallback)', () => {
  it('parses a real file with a newline in a path, an abstract name with NUL and a relative "@" path', () => {
    const { sockets, skipped, joinedLines } = parseProcNetUnix(fixture('net-unix-hostile.txt'));
    assert.deepEqual(skipped, []);
    assert.equal(joinedLines, 1);
    const byPath = new Map(sockets.filter((s) => s.path).map((s) => [s.path!.toString('latin1'), s]));
    const nl = byPath.get('/tmp/fixture-line1\nline2');
    assert.ok(nl, 'the split record is joined back');
    assert.equal(nl.flags & 0x10000, 0x10000);
    assert.equal(nl.type, 1);
    // Abstract NULs print as '@'; a relative '@' path looks identical: the text cannot tell them apart.
    assert.ok(byPath.has('@fixture-abs@tail'));
    assert.ok(byPath.has('@fixture-rel'));
    assert.ok(sockets.some((s) => s.path === null && s.inode > 0), 'unnamed sockets');
  });
  it('keeps invalid UTF-8 path bytes', () => {
    const buf = Buffer.concat([
      Buffer.from('Num       RefCount Protocol Flags    Type St Inode Path\n0000000000000000: 00000002 00000000 00000000 0002 01 99 /tmp/'),
      Buffer.from([0xff, 0x1b]), Buffer.from('\n'),
    ]);
    const { sockets } = parseProcNetUnix(buf);
    assert.deepEqual([...sockets[0]!.path!.subarray(5)], [0xff, 0x1b]);
    assert.equal(sockets[0]!.inode, 99);
  });
  it('never throws on truncated or arbitrary input', () => {
    const full = fixture('net-unix-hostile.txt');
    for (let i = 0; i <= full.length; i += 7) parseProcNetUnix(full.subarray(0, i));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (b) => { parseProcNetUnix(Buffer.from(b)); }), { numRuns: 2000 });
  });
  it('truncated anywhere: no record with a cut inode, every path a prefix of the real one (cut at a newline in it at most)', () => {
    const full = fixture('net-unix-hostile.txt');
    const whole = new Map(parseProcNetUnix(full).sockets.map((s) => [s.inode, s]));
    for (let i = 0; i <= full.length; i++) {
      const p = parseProcNetUnix(full.subarray(0, i));
      for (const s of p.sockets) {
        const w = whole.get(s.inode);
        assert.ok(w, `prefix ${i}: inode ${s.inode} is no socket of the file`);
        assert.deepEqual([s.flags, s.type, s.st, s.refCount], [w.flags, w.type, w.st, w.refCount]);
        const got = s.path?.toString('latin1') ?? '';
        const want = w.path?.toString('latin1') ?? '';
        // Only a path with a newline can look whole when cut: right after one of its newlines.
        assert.ok(got === want || (want.startsWith(got) && want[got.length] === '\n'), `prefix ${i}: path ${JSON.stringify(got)} of ${JSON.stringify(want)}`);
      }
      if (i > full.indexOf(0x0a) + 1 && i < full.length && full[i - 1] !== 0x0a) assert.ok(p.skipped.some((x) => x.includes('cut short')), `prefix ${i}: the cut line is reported`);
    }
  });
});

describe('getdents64 records (the fd directory listing)', () => {
  /** linux_dirent64: d_ino u64, d_off s64, d_reclen u16, d_type u8, d_name NUL-terminated, padded to 8 bytes. */
  const dirents = (names: string[]): Buffer => Buffer.concat(names.map((n, i) => {
    const reclen = Math.ceil((19 + Buffer.byteLength(n, 'latin1') + 1) / 8) * 8;
    const b = Buffer.alloc(reclen);
    b.writeBigUInt64LE(BigInt(1000 + i), 0);
    b.writeBigInt64LE(BigInt(i + 1), 8);
    b.writeUInt16LE(reclen, 16);
    b[18] = 10; // DT_LNK
    b.write(n, 19, 'latin1');
    return b;
  }));
  const names = ['.', '..', '0', '1', '2', '255', '1048575', 'x'.repeat(200)];
  const buf = dirents(names);

  it('reads every name but . and .., in order', () => {
    const out: string[] = [];
    parseDirents(buf, buf.length, out);
    assert.deepEqual(out, names.slice(2));
  });
  it('a short read (any length) yields a prefix of the names, never a cut one; garbage past n is not read', () => {
    for (let n = 0; n <= buf.length; n++) {
      const b = Buffer.concat([buf.subarray(0, n), Buffer.alloc(64, 0x41)]);
      const out: string[] = [];
      parseDirents(b, n, out);
      assert.deepEqual(out, names.slice(2, 2 + out.length), `n=${n}`);
    }
  });
  it('fuzz: random bytes and random record lengths never throw nor read past n', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(600), (b, k) => {
      const n = Math.min(k, b.length);
      const out: string[] = [];
      const head = Buffer.from(b.subarray(0, n));
      // Past n: bytes the names cannot hold unless they came from there.
      parseDirents(Buffer.concat([head, Buffer.alloc(300, 0xfe)]), n, out);
      if (!head.includes(0xfe)) for (const name of out) assert.ok(!name.includes('\xfe'), `a name read past n: ${JSON.stringify(name)}`);
    }), { numRuns: 3000 });
  });
});

describe('one-shot /proc files cut short: a value is read whole or not at all', () => {
  const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? String(v) : v);
  const same = (a: unknown, b: unknown) => JSON.stringify(a, big) === JSON.stringify(b, big);

  it('status: no field, uid or signal mask read from a cut line ("Uid:\\t10" of "Uid:\\t1000")', () => {
    // A non-root uid and a mask whose prefix is another mask, so a cut value differs from the whole one.
    const text = fixture('status-python.txt').toString('latin1').replace(/^Uid:.*$/m, 'Uid:\t1000\t1000\t1000\t1000')
      .replace(/^SigCgt:.*$/m, 'SigCgt:\t0000000180004002');
    const whole = parseStatus(text).status;
    const wholeSignals = statusSignals(text)!;
    assert.equal(statusUid(text), 1000);
    for (let i = 0; i <= text.length; i++) {
      const t = text.slice(0, i);
      const p = parseStatus(t).status;
      for (const k of ['name', 'tgid', 'ppid', 'uid', 'gid', 'threads', 'sigQ', 'sigPnd', 'shdPnd', 'sigBlk', 'sigIgn', 'sigCgt'] as const) {
        if (p[k] !== null) assert.ok(same(p[k], whole[k]), `prefix ${i}: ${k} ${JSON.stringify(p[k], big)}`);
      }
      const u = statusUid(t);
      assert.ok(u === null || u === 1000, `prefix ${i}: uid ${u}`);
      const sig = statusSignals(t);
      if (sig) for (const [k, v] of Object.entries(sig)) if (v.length) assert.deepEqual(v, wholeSignals[k as keyof typeof wholeSignals], `prefix ${i}: ${k}`);
    }
  });

  it('fdinfo: no number read from a cut line, in the full parser or the scan fast path', () => {
    for (const f of ['fdinfo-eventfd.txt', 'fdinfo-unix-scm.txt', 'fdinfo-pipe-read.txt']) {
      const text = fixture(f).toString('latin1');
      const whole = parseFdinfo(text).fdinfo;
      const fast = scanFdinfoScm(text);
      for (let i = 0; i <= text.length; i++) {
        const p = parseFdinfo(text.slice(0, i)).fdinfo;
        for (const k of ['pos', 'flags', 'mntId', 'ino', 'scmFds', 'eventfdCount', 'eventfdId', 'sigmask'] as const) {
          if (p[k] !== null) assert.equal(p[k], whole[k], `${f}, prefix ${i}: ${k}`);
        }
        const s = scanFdinfoScm(text.slice(0, i));
        assert.ok((s.ino === null || s.ino === fast.ino) && (s.scmFds === null || s.scmFds === fast.scmFds), `${f}, prefix ${i}: fast path`);
      }
    }
  });

  it('stat: no field read from a cut last field ("19" of "1937")', () => {
    const text = fixture('stat-python.txt');
    const whole = parsePidStat(text).stat!;
    for (let i = 0; i <= text.length; i++) {
      const p = parsePidStat(text.subarray(0, i)).stat;
      if (!p) continue;
      for (const k of ['pid', 'ppid', 'pgrp', 'session', 'ttyNr', 'flags', 'numThreads', 'starttime', 'state'] as const) {
        // (A field not reached yet reads 0, listed in skipped.)
        assert.ok(p[k] === whole[k] || p[k] === 0, `prefix ${i}: ${k} ${p[k]}`);
      }
    }
  });
});
