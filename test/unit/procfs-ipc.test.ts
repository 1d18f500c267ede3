// Unit and fuzz tests of the IPC parsers: /proc/PID/maps, /proc/sysvipc/*, signal masks, mqueue status.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { makedev } from '../../native/netlinkParse';
import { mapsDevField, mapsOnDevices, parseMaps, parseMapsLine } from '../../src/core/procfs/maps';
import { maskNames, maskSignals, parseHexMask, signalName, statusSignals } from '../../src/core/procfs/signals';
import { parseSysvMsg, parseSysvSem, parseSysvShm, sysvKeyHex } from '../../src/core/procfs/sysvipc';
import { mqueueMounted, parseMqStatus } from '../../src/core/scan/ipcSources';

// Captured on this machine (kernel 6.18): a binary, a POSIX shm with an escaped newline, a memfd, a SysV segment.
const MAPS = [
  '55bc3a987000-55bc3a989000 r--p 00000000 fe:00 260131                     /usr/bin/cat',
  '7f1c2c000000-7f1c2c002000 rw-s 00000000 00:1a 311                        /dev/shm/ipci-1-line1\\012line2',
  '7f1c2c003000-7f1c2c006000 rw-s 00000000 00:01 44523                      /memfd:ipci-memfd (deleted)',
  '7f1c2c007000-7f1c2c009000 rw-s 00000000 00:01 6                          /SYSV1c0069e6 (deleted)',
  '7f1c2c00a000-7f1c2c00c000 rw-s 00000000 00:1a 320                        /dev/shm/x (deleted) (deleted)',
  '7ffd4d1e5000-7ffd4d206000 rw-p 00000000 00:00 0                          [stack]',
  '7f1c2c00d000-7f1c2c00f000 rw-s 00000000 00:01 2',
  '7fc9c7704000-7fc9c7706000 rw-s 00000000 00:01 0                          /SYSV1c0043d4 (deleted)',
].join('\n') + '\n';

describe('procfs: /proc/PID/maps', () => {
  it('keeps file mappings by (dev, ino), unescapes \\012, strips one " (deleted)"', () => {
    const { entries, skipped } = parseMaps(MAPS);
    assert.deepEqual(skipped, []);
    assert.deepEqual(entries.map((e) => [e.dev, e.ino, e.path.toString('latin1'), e.deleted]), [
      [makedev(0xfe, 0), 260131, '/usr/bin/cat', false],
      [makedev(0, 0x1a), 311, '/dev/shm/ipci-1-line1\nline2', false],
      [makedev(0, 1), 44523, '/memfd:ipci-memfd', true],
      [makedev(0, 1), 6, '/SYSV1c0069e6', true],
      // A live file really named "x (deleted)", itself unlinked: only the last suffix is the kernel's.
      [makedev(0, 0x1a), 320, '/dev/shm/x (deleted)', true],
      [makedev(0, 1), 2, '', false],
      // shmid 0 (the first segment of a fresh IPC namespace) is inode 0, and no anonymous mapping.
      [makedev(0, 1), 0, '/SYSV1c0043d4', true],
    ]);
  });

  it('pre-filters by device field and agrees with the full parse', () => {
    const devs = [makedev(0, 0x1a), makedev(0, 1)];
    assert.deepEqual(devs.map(mapsDevField), ['00:1a', '00:01']);
    const fast = mapsOnDevices(MAPS, devs.map(mapsDevField));
    const full = parseMaps(MAPS).entries.filter((e) => devs.includes(e.dev));
    assert.deepEqual(fast.map((e) => `${e.dev}:${e.ino}`).sort(), full.map((e) => `${e.dev}:${e.ino}`).sort());
    assert.equal(mapsDevField(makedev(259, 0x12345)), '103:12345');
  });

  it('pre-filter: a path that contains a device field does not count, the line\'s own field does', () => {
    const text = [
      '7f00-7f10 r--p 00000000 fe:00 77                         /tmp/a 00:01 b',
      '7f10-7f20 r--p 00000000 fe:00 78                         /tmp/c:01 d',
      '7f20-7f30 rw-s 00000000 100:01 79                        /big major',
      '7f30-7f40 rw-s 00000000 00:01 80                         /memfd: 00:01 x (deleted)',
    ].join('\n') + '\n';
    assert.deepEqual(mapsOnDevices(text, ['00:01']).map((e) => [e.ino, e.path.toString('latin1'), e.deleted]), [[80, '/memfd: 00:01 x', true]]);
    assert.deepEqual(mapsOnDevices(text, ['100:01']).map((e) => e.ino), [79]);
    assert.deepEqual(mapsOnDevices(text, ['fe:00']).map((e) => e.ino), [77, 78]);
  });

  it('property: the pre-filter finds exactly what the full parse finds on those devices', () => {
    const hex = (n: number) => n.toString(16);
    const devField = fc.constantFrom('00:1a', '00:01', 'fe:00', '00:00', '103:12345', '01:00', '10:01');
    const pathText = fc.oneof(
      fc.constant(''), fc.constantFrom(' 00:01 ', ':1a ', ' 00:1a x', '/memfd:a (deleted)', '/SYSV00000001 (deleted)', '\\012', '00:01'),
      fc.string({ maxLength: 12 }).map((x) => x.replace(/\n/g, '\\012')),
    );
    const line = fc.tuple(fc.nat(0xffffff), fc.constantFrom('r--p', 'rw-s', 'r-xp'), devField, fc.nat(40), fc.array(pathText, { maxLength: 3 }))
      .map(([a, perms, dev, ino, parts]) => `${hex(a)}-${hex(a + 1)} ${perms} 00000000 ${dev} ${dev === '00:00' ? 0 : ino}   ${parts.join('')}`.trimEnd());
    const key = (e: { dev: number; ino: number; path: Buffer; deleted: boolean }) => `${e.dev}:${e.ino}:${e.deleted}:${e.path.toString('latin1')}`;
    fc.assert(fc.property(fc.array(line, { maxLength: 30 }), fc.subarray(['00:1a', '00:01', '103:12345', '10:01']), (lines, fields) => {
      const text = lines.join('\n') + '\n';
      const fast = mapsOnDevices(text, fields).map(key).sort();
      const full = parseMaps(text).entries.filter((e) => fields.includes(mapsDevField(e.dev))).map(key).sort();
      assert.deepEqual(fast, full);
    }), { numRuns: 1000 });
  });

  it('malformed lines are skipped, anonymous ones dropped', () => {
    assert.equal(parseMapsLine('garbage'), null);
    assert.equal(parseMapsLine('7f-7f rw-p 00000000 00:00 0'), undefined);
    assert.equal(parseMapsLine('7f-7f rw-p 0 00:00 99999999999999999999 /x'), null);
    assert.deepEqual(parseMaps('x\n' + MAPS.split('\n')[0] + '\n').skipped, [1]);
    // A last line without its newline was cut short: skipped too, not read with a cut inode or path.
    assert.deepEqual(parseMaps('x\n' + MAPS.split('\n')[0]).skipped, [1, 2]);
  });

  it('truncated anywhere: every entry read is one of the whole text (no inode "12" of "12345", no cut path)', () => {
    const whole = (t: string) => new Set(parseMaps(t).entries.map((e) => `${e.dev}:${e.ino}:${e.deleted}:${e.path.toString('latin1')}`));
    const all = whole(MAPS);
    assert.ok(all.size >= 3);
    for (let n = 0; n <= MAPS.length; n++) {
      for (const k of whole(MAPS.slice(0, n))) assert.ok(all.has(k), `prefix ${n}: ${k}`);
      for (const e of mapsOnDevices(MAPS.slice(0, n), ['00:1a', '00:01', 'fd:01'])) assert.ok(all.has(`${e.dev}:${e.ino}:${e.deleted}:${e.path.toString('latin1')}`), `mapsOnDevices, prefix ${n}`);
    }
  });

  it('fuzz: random and truncated text never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { parseMaps(s); mapsOnDevices(s, ['00:01']); }), { numRuns: 2000 });
    fc.assert(fc.property(fc.nat(MAPS.length), (n) => { parseMaps(MAPS.slice(0, n)); mapsOnDevices(MAPS.slice(0, n), ['00:1a', '00:01']); }), { numRuns: 500 });
  });
});

const SHM = `       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap
-1970161076          6   644                  4096 12743     0      0     0     0     0     0          0          0 1795982623                     0                     0
 469789414          7   600                  8192 27366 27366      2     0     0     0     0 1795982700          0 1795982700                  8192                     0
`;
const MSG = `       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime
 469789414         49   600          60          3 27366     0     0     0     0     0 1795982700          0 1795982700
`;
const SEM = `       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime
         0          2   666          3  1000  1000  1000  1000          0 1795982700
`;

describe('procfs: /proc/sysvipc', () => {
  it('shm: signed decimal keys as unsigned, octal perms, nattch', () => {
    const { rows, skipped } = parseSysvShm(SHM);
    assert.deepEqual(skipped, []);
    assert.deepEqual(rows, [
      { key: 0x8a91ba4c, shmid: 6, perms: 0o644, size: 4096, cpid: 12743, lpid: 0, nattch: 0, uid: 0 },
      { key: 469789414, shmid: 7, perms: 0o600, size: 8192, cpid: 27366, lpid: 27366, nattch: 2, uid: 0 },
    ]);
    assert.equal(sysvKeyHex(rows[0]!.key), '0x8a91ba4c');
    assert.equal(sysvKeyHex(0), '0x00000000');
  });

  it('msg and sem', () => {
    assert.deepEqual(parseSysvMsg(MSG).rows, [{ key: 469789414, msqid: 49, perms: 0o600, cbytes: 60, qnum: 3, lspid: 27366, lrpid: 0, uid: 0 }]);
    assert.deepEqual(parseSysvSem(SEM).rows, [{ key: 0, semid: 2, perms: 0o666, nsems: 3, uid: 1000 }]);
  });

  it('a wrong header yields nothing (header skipped), short rows are skipped by line', () => {
    assert.deepEqual(parseSysvShm(MSG), { rows: [], skipped: [0] });
    assert.deepEqual(parseSysvMsg(MSG.split('\n')[0] + '\n 1 2 3\n').skipped, [2]);
    assert.deepEqual(parseSysvSem(''), { rows: [], skipped: [] });
  });

  it('fuzz: random and truncated tables never throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { parseSysvShm(s); parseSysvMsg(s); parseSysvSem(s); }), { numRuns: 2000 });
    for (const t of [SHM, MSG, SEM]) {
      fc.assert(fc.property(fc.nat(t.length), (n) => { parseSysvShm(t.slice(0, n)); parseSysvMsg(t.slice(0, n)); parseSysvSem(t.slice(0, n)); }), { numRuns: 300 });
    }
  });
});

describe('signal masks', () => {
  it('names standard, glibc-reserved and real-time signals', () => {
    assert.equal(signalName(10), 'SIGUSR1');
    assert.equal(signalName(32), 'SIG32');
    assert.equal(signalName(33), 'SIG33');
    assert.equal(signalName(34), 'SIGRTMIN');
    assert.equal(signalName(37), 'SIGRTMIN+3');
    assert.equal(signalName(63), 'SIGRTMIN+29');
    assert.equal(signalName(64), 'SIGRTMAX');
    assert.equal(signalName(65), 'SIG65');
  });

  it('decodes masks: bit n-1 is signal n', () => {
    assert.deepEqual(maskSignals(0n), []);
    assert.deepEqual(maskNames(parseHexMask('0000001000004200')!), ['SIGUSR1', 'SIGTERM', 'SIGRTMIN+3']);
    assert.deepEqual(maskNames(0xffffffffffffffffn).length, 64);
    assert.equal(parseHexMask('zz'), null);
  });

  it('reads the five masks from status text (captured from a Python process)', () => {
    const status = 'Name:\tpython3\nSigQ:\t2/63477\nSigPnd:\t0000001000000000\nShdPnd:\t0000000000004000\n'
      + 'SigBlk:\t0000001000004000\nSigIgn:\t0000000001001800\nSigCgt:\t0000000180000202\n';
    assert.deepEqual(statusSignals(status), {
      caught: ['SIGINT', 'SIGUSR1', 'SIG32', 'SIG33'],
      ignored: ['SIGUSR2', 'SIGPIPE', 'SIGXFSZ'],
      blocked: ['SIGTERM', 'SIGRTMIN+3'],
      pending: ['SIGTERM'],
      pendingThread: ['SIGRTMIN+3'],
    });
    assert.equal(statusSignals('Name:\tx\n'), null);
  });

  it('fuzz: never throws, names stay short', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { statusSignals(s); parseHexMask(s); }), { numRuns: 2000 });
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (m) => maskNames(m).every((n) => n.length <= 12)), { numRuns: 500 });
  });
});

describe('mqueue status text', () => {
  it('QSIZE and NOTIFY_PID', () => {
    assert.deepEqual(parseMqStatus('QSIZE:129        NOTIFY:0     SIGNO:0     NOTIFY_PID:4242  \n'), { qsize: 129, notifyPid: 4242 });
    assert.deepEqual(parseMqStatus('garbage'), { qsize: null, notifyPid: null });
    fc.assert(fc.property(fc.string({ maxLength: 100 }), (s) => { parseMqStatus(s); }), { numRuns: 1000 });
  });
});

describe('mount table (is /dev/mqueue an mqueue mount?)', () => {
  const MOUNTS = 'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n'
    + 'mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0\n'
    + 'tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0\n';
  it('only an mqueue file system mounted exactly at /dev/mqueue counts', () => {
    assert.equal(mqueueMounted(MOUNTS), true);
    assert.equal(mqueueMounted(MOUNTS.replace('mqueue /dev/mqueue mqueue', 'tmpfs /dev/mqueue tmpfs')), false);
    assert.equal(mqueueMounted(MOUNTS.replace('/dev/mqueue mqueue', '/dev/mqueue\\040x mqueue')), false);
    assert.equal(mqueueMounted(''), false);
  });
  it('fuzz: random and truncated tables never throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { mqueueMounted(s); }), { numRuns: 2000 });
    for (let n = 0; n <= MOUNTS.length; n++) mqueueMounted(MOUNTS.slice(0, n));
  });
});
