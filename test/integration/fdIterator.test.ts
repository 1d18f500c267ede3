// Integration: the fd iterator (a BPF task_file iterator, native/bpfFdIter.ts) against the /proc walk on real
// kernel objects of every kind held by child processes: the same objects, holders, access modes, names and
// fills either way; its records are what the walk uses, only for the very process they were read from, and a
// process started after the read is walked through /proc.

import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { libc } from '../../native/libc';
import { kernelDevToUser } from '../../native/netlinkParse';
import { Pidfds, samplePipe } from '../../src/core/scan/fill';
import { FILL_READ, FILL_UNSURE, PATH_MAX_BYTES, REC, pathBlocks, recordPath, RECORD_WORDS, TABLES_FAILED, readTablesInto, tablesFrom, fdIterStatus, indexRecords, prepareIterators, readFdTable, readMapperTable, resetFdIter, type FdTable, type MapperTable } from '../../native/bpfFdIter';
import { mapsDevField } from '../../src/core/procfs/maps';
import { ipcDevices } from '../../src/core/scan/ipcSources';
import { devFieldNumbers } from '../../src/core/scan/mapsQuery';
import type { Snapshot } from '../../src/core/model';
import { walkProcesses } from '../../src/core/scan/parallelWalk';
import type { ProcessWalk } from '../../src/core/scan/processWalk';
import { listPids } from '../../src/core/scan/processes';
import { stopHelpers } from '../../src/core/scan/helperPool';
import { pseudoDevices, takeSnapshot } from '../../src/core/scan/snapshot';
import { helperPath, startHelper, type Holder } from './helpers/holders';

/** Reasons the iterator may be unusable on a machine; any other reason is a defect of ours. */
const ENVIRONMENTAL = /not permitted|no kernel BTF|not in the initial|namespaces unreadable|without the task_file iterator|turned off|not on /;

describe('fd iterator (BPF task_file) against the /proc walk (real kernel objects)', function () {
  this.timeout(60000);
  const work = mkdtempSync(path.join(tmpdir(), 'ipci-iter-'));
  const holders: Holder<unknown>[] = [];
  let pop: Holder<{ pids: number[]; fds: number }>;
  let pids: Set<number>;
  let shmHolder: Holder<{ pid: number; mapper: number }>;
  let inflight: Holder<{ pid: number; expect: Record<string, number>; listener: number }>;
  let fifoPaths: Holder<{ pid: number; fds: Record<'plain' | 'long' | 'gone', number>; plain: string; long: string; gone: string }>;

  before(async function () {
    execFileSync('sh', ['-c', 'mountpoint -q /dev/mqueue || mount -t mqueue none /dev/mqueue']);
    resetFdIter();
    const t = readFdTable();
    const why = fdIterStatus().reason;
    if (!t) {
      assert.ok(why && ENVIRONMENTAL.test(why), `the iterator failed here for a reason of ours: ${why}`);
      this.skip(); // (not root, no BTF, a container: the /proc walk is all there is, and other tests cover it)
    }
    pop = await startHelper('population.py', [work, '12', '60', '60', '20', '6', '6', '2']);
    holders.push(pop);
    for (const [script, scenario] of [
      ['ipc_kinds.py', 'shm'], ['ipc_kinds.py', 'memfd'], ['ipc_kinds.py', 'mqueue'], ['ipc_kinds.py', 'events'], ['ipc_kinds.py', 'sysv'],
      ['ipc_objects.py', 'fifo'], ['ipc_objects.py', 'socketpairs'], ['ipc_objects.py', 'listeners'], ['ipc_objects.py', 'hostile'], ['ipc_objects.py', 'inflight'],
    ] as const) holders.push(await startHelper(script, [scenario, work]));
    shmHolder = holders[1] as Holder<{ pid: number; mapper: number }>;
    inflight = await startHelper('ipc_objects.py', ['inflight_kinds', work]);
    holders.push(inflight);
    fifoPaths = await startHelper('ipc_objects.py', ['fifo_paths', work]);
    holders.push(fifoPaths);
    pids = new Set([...pop.info.pids, ...holders.flatMap((h) => descendants(h.child.pid!))]);
  });
  after(async () => {
    await stopHelpers();
    await Promise.all(holders.map((h) => h.stop()));
    rmSync(work, { recursive: true, force: true });
  });

  /** A process and its descendants (holders fork mappers and peers). */
  function descendants(pid: number): number[] {
    const out = [pid];
    for (let i = 0; i < out.length; i++) {
      try {
        const kids = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'latin1').trim();
        if (kids) out.push(...kids.split(' ').map(Number));
      } catch {
        // gone
      }
    }
    return out;
  }

  /** Every object the test's processes hold, with each holder's fd and access, its fill, names and details. */
  function rows(s: Snapshot): string[] {
    const out: string[] = [];
    for (const o of s.objects) {
      const mine = o.endpoints.filter((e) => pids.has(e.pid));
      if (!mine.length) continue;
      const { endpoints: _e, findings: _f, ...rest } = o;
      out.push(JSON.stringify({ ...rest, endpoints: mine }));
    }
    return out.sort();
  }

  it('finds exactly what the /proc walk finds: every kind, holders, access, names byte for byte, fills, in-flight fds', () => {
    for (const threads of [1, 2]) {
      const viaProc = takeSnapshot({ fdIterator: false, threads });
      const viaIter = takeSnapshot({ threads });
      assert.equal(viaProc.scan?.fdSource, 'procfs');
      assert.equal(viaIter.scan?.fdSource, 'bpf-iterator', viaIter.scan?.fdIteratorUnusable);
      const a = rows(viaProc);
      const b = rows(viaIter);
      const kinds = new Set(b.map((r) => (JSON.parse(r) as { kind: string }).kind));
      for (const k of ['pipe', 'fifo', 'unix', 'posix-shm', 'posix-sem', 'memfd', 'posix-mq', 'sysv-shm', 'eventfd', 'signalfd']) assert.ok(kinds.has(k), `no ${k} found`);
      assert.ok(b.length > 200, `${b.length} objects`);
      assert.deepEqual({ onlyIter: b.filter((r) => !a.includes(r)), onlyProc: a.filter((r) => !b.includes(r)) }, { onlyIter: [], onlyProc: [] }, `threads ${threads}`);
      // The same fds counted (the inspector's own differ between two scans: leave its process out).
      const count = (s: Snapshot): number => s.processes.filter((p) => pids.has(p.pid)).length;
      assert.equal(count(viaIter), count(viaProc));
    }
  });

  /** A copy of `t` with `edit` applied to the words of pid's records. */
  function edited(t: FdTable, pid: number, edit: (words: Uint32Array, from: number, to: number) => Uint32Array): FdTable {
    const k = [...t.pids].indexOf(pid);
    assert.ok(k >= 0, `pid ${pid} not in the table`);
    const words = edit(Uint32Array.from(t.words), t.starts[k]!, t.ends[k]!);
    return indexRecords(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
  }

  function walk(pid: number, table: FdTable | null): string[] {
    const { pipeDev } = pseudoDevices();
    const w = walkProcesses([pid], { pipeDev, selfPid: process.pid, sampleFill: false, ipc: null, mapDevs: [], fdTable: table }, 0);
    return w.walk.fds.map((f) => `${f.fd}:${f.dev}:${f.ino}:${f.access}`);
  }

  it('uses the records of a process only while they are that process\'s (the same start time), else reads /proc', () => {
    const t = readFdTable();
    assert.ok(t);
    const pid = pop.info.pids[0]!;
    const all = walk(pid, null);
    assert.deepEqual(walk(pid, t), all);
    // One record less (of an fd the walk lists: the last record may be a file it leaves out, such as the
    // mqueue fd here without the ipc devices, or an fd the test runner's environment passed down): the walk
    // trusts the table (proof it is read), and only for that fd.
    const gone = all[all.length - 1]!;
    const goneFd = Number(gone.split(':')[0]);
    const dropOne = edited(t, pid, (w, from, to) => {
      const keep: number[] = [];
      for (let r = from; r < to; r++) if (w[r * RECORD_WORDS + REC.fd] !== goneFd) keep.push(r);
      assert.equal(keep.length, to - from - 1, `fd ${goneFd} in the records once`);
      return Uint32Array.from([...w.subarray(0, from * RECORD_WORDS), ...keep.flatMap((r) => [...w.subarray(r * RECORD_WORDS, (r + 1) * RECORD_WORDS)]), ...w.subarray(to * RECORD_WORDS)]);
    });
    assert.deepEqual(walk(pid, dropOne), all.filter((r) => r !== gone));
    // The same records from "another process of that pid" (another start time): /proc is read instead.
    const otherStart = edited(t, pid, (w, from, to) => {
      for (let r = from; r < to; r++) w[r * RECORD_WORDS + REC.startLo] ^= 0x40000000;
      return w;
    });
    assert.deepEqual(walk(pid, otherStart), all);
  });

  it('reads the in-flight fds of Unix sockets as fdinfo counts them (every type and state), leaves a listener\'s to fdinfo, and the walk uses them', () => {
    const why = fdIterStatus().inflight;
    assert.equal(why, null, `in-flight counts not read by the iterator: ${why}`);
    const { pid, expect, listener } = inflight.info;
    const want = new Map(Object.entries(expect).map(([k, v]) => [Number(k), v]));
    assert.equal(want.size, 11);
    // The scenario's figures are the kernel's (fdinfo), so the comparison below is with what fdinfo says.
    const fdOf = new Map<number, number>();
    for (const name of readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${name}`));
      if (m && want.has(Number(m[1]))) fdOf.set(Number(m[1]), Number(name));
    }
    for (const [ino, n] of want) {
      const info = readFileSync(`/proc/${pid}/fdinfo/${fdOf.get(ino)}`, 'latin1');
      assert.equal(Number(/^scm_fds:\s*(\d+)$/m.exec(info)?.[1]), n, `fdinfo of socket ${ino}`);
    }
    const t = readFdTable();
    assert.ok(t);
    const k = [...t.pids].indexOf(pid);
    assert.ok(k >= 0);
    const seen = new Map<number, [number, number]>();
    for (let r = t.starts[k]!; r < t.ends[k]!; r++) {
      const w = r * RECORD_WORDS;
      const ino = t.words[w + REC.inoLo]! + t.words[w + REC.inoHi]! * 2 ** 32;
      if (want.has(ino)) seen.set(ino, [t.words[w + REC.fill]!, t.words[w + REC.fillUsed]!]);
    }
    assert.equal(seen.size, want.size);
    for (const [ino, n] of want) assert.deepEqual(seen.get(ino), ino === listener ? [FILL_UNSURE, 0] : [FILL_READ, n], `record of socket ${ino}`);
    // The walk keeps the counts read (not the listener's): an edited record's count is what it reports.
    const { pipeDev } = pseudoDevices();
    const scmOf = (table: FdTable): Map<number, number> => walkProcesses([pid], { pipeDev, selfPid: process.pid, sampleFill: false, ipc: null, mapDevs: [], fdTable: table }, 0).walk.scm;
    // (Its stdio, socketpairs from node's spawn, are in the walk too: the scenario's sockets are compared.)
    assert.deepEqual([...scmOf(t)].filter(([ino]) => want.has(ino)).sort((a, b) => a[0] - b[0]), [...want].filter(([ino]) => ino !== listener).sort((a, b) => a[0] - b[0]));
    const target = [...want].find(([, n]) => n === 7)![0];
    const bumped = edited(t, pid, (w, from, to) => {
      for (let r = from; r < to; r++) if (w[r * RECORD_WORDS + REC.inoLo] === target % 2 ** 32) w[r * RECORD_WORDS + REC.fillUsed] = 70;
      return w;
    });
    assert.equal(scmOf(bumped).get(target), 70);
    // The snapshot: every count as fdinfo says, the listener's through fdinfo, either way.
    for (const fdIterator of [true, false]) {
      const s = takeSnapshot({ fdIterator, threads: 1 });
      for (const [ino, n] of want) assert.equal(s.objects.find((o) => o.kind === 'unix' && o.inode === ino)?.unix?.inflightFds, n, `socket ${ino}, iterator ${fdIterator}`);
    }
  });

  it('writes the paths of FIFOs, shm, mqueue and memfd files and anonymous inodes as readlink gives them; a longer one is read by readlink', () => {
    const { pipeDev } = pseudoDevices();
    const d = ipcDevices();
    const t = readFdTable({ pipeDev, regular: [d.shmDev, d.mqDev, d.memfdDev], anonDev: d.anonDev });
    assert.ok(t);
    assert.equal(fdIterStatus().paths, null, `paths not written: ${fdIterStatus().paths}`);
    // Every record of the test's processes: a path exactly where the walk reads a link, equal to readlink's.
    let compared = 0;
    for (let g = 0; g < t.pids.length; g++) {
      const pid: number = t.pids[g]!;
      if (!pids.has(pid) && pid !== fifoPaths.info.pid) continue;
      for (let r: number = t.starts[g]!; r < t.ends[g]!; r += 1 + pathBlocks(t.words, r)) {
        const p = recordPath(t.words, r);
        const w: number = r * RECORD_WORDS;
        const type: number = t.words[w + REC.mode]! & 0o170000;
        const dev: number = kernelDevToUser(t.words[w + REC.dev]!);
        const wanted: boolean = dev === d.anonDev || (type === 0o010000 && dev !== pipeDev) || (type === 0o100000 && [d.shmDev, d.mqDev, d.memfdDev].includes(dev));
        const link: Buffer | null = wanted ? readlinkSync(`/proc/${pid}/fd/${t.words[w + REC.fd]}`, { encoding: 'buffer' }) : null;
        // (A path longer than the program writes is left to readlink.)
        assert.equal(p !== null, link !== null && link.length < PATH_MAX_BYTES, `pid ${pid} fd ${t.words[w + REC.fd]}: a path ${p ? 'not wanted' : 'missing'}`);
        if (!p || !link) continue;
        assert.ok(p.equals(link), `pid ${pid} fd ${t.words[r * RECORD_WORDS + REC.fd]}: ${JSON.stringify(p.toString())} against ${JSON.stringify(link.toString())}`);
        compared++;
      }
    }
    assert.ok(compared > 50, `${compared} paths compared`);
    // The scenario's FIFOs: the plain and the deleted one from the record, the long one not (readlink then).
    const { pid, fds } = fifoPaths.info;
    const k = [...t.pids].indexOf(pid);
    const recOf = (fd: number): number => {
      for (let r = t.starts[k]!; r < t.ends[k]!; r += 1 + pathBlocks(t.words, r)) if (t.words[r * RECORD_WORDS + REC.fd] === fd) return r;
      throw new Error(`fd ${fd} not in the records`);
    };
    assert.equal(recordPath(t.words, recOf(fds.plain))?.toString(), fifoPaths.info.plain);
    assert.equal(recordPath(t.words, recOf(fds.gone))?.toString(), `${fifoPaths.info.gone} (deleted)`);
    assert.ok(Buffer.byteLength(fifoPaths.info.long) >= PATH_MAX_BYTES);
    assert.equal(t.words[recOf(fds.long) * RECORD_WORDS + REC.path], 0);
    const linkOfFd = (table: FdTable, fd: number): string | undefined =>
      walkProcesses([pid], { pipeDev, selfPid: process.pid, sampleFill: false, ipc: null, mapDevs: [], fdTable: table }, 0).walk.fds.find((f) => f.fd === fd)?.link?.toString();
    assert.equal(linkOfFd(t, fds.long), fifoPaths.info.long);
    // The walk takes the record's path (proof it is read): an edited byte shows.
    const r = recOf(fds.plain);
    const bytes = new Uint8Array(t.words.buffer, t.words.byteOffset, t.words.byteLength).slice();
    const at = (r + 1) * RECORD_WORDS * 4 + fifoPaths.info.plain.length - 'plain.fifo'.length;
    assert.equal(String.fromCharCode(bytes[at]!), 'p');
    bytes[at] = 'q'.charCodeAt(0);
    assert.equal(linkOfFd(indexRecords(bytes), fds.plain), fifoPaths.info.plain.replace(/plain\.fifo$/, 'qlain.fifo'));
    // The snapshot names them as the /proc walk does.
    for (const fdIterator of [true, false]) {
      const s = takeSnapshot({ fdIterator, threads: 1 });
      const fifo = (fd: number): Record<string, unknown> | undefined => s.objects.find((o) => o.kind === 'fifo' && o.endpoints.some((e) => e.pid === pid && e.fd === fd));
      assert.equal(fifo(fds.plain)?.['name'], fifoPaths.info.plain);
      assert.equal(fifo(fds.long)?.['name'], fifoPaths.info.long);
      assert.equal(fifo(fds.gone)?.['name'], fifoPaths.info.gone);
      assert.equal(fifo(fds.gone)?.['deleted'], true);
    }
  });

  /** The devices whose mappings the snapshot keeps (shm, memfd), as mapsDevField strings and as numbers. */
  function mapDevices(): { fields: string[]; devs: { major: number; minor: number }[] } {
    const d = ipcDevices();
    const fields = [d.shmDev, d.memfdDev].filter((x): x is number => x !== null).map(mapsDevField);
    return { fields, devs: fields.map((f) => { const [major, minor] = devFieldNumbers(f); return { major, minor }; }) };
  }
  const stat22 = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'latin1').slice(readFileSync(`/proc/${pid}/stat`, 'latin1').lastIndexOf(')') + 2).split(' ')[19]);

  it('lists the processes that map shm or memfd files (mapping-only holders too), with their start times, and no others', () => {
    const m = readMapperTable(mapDevices().devs);
    assert.ok(m, `mapping iterator unusable: ${fdIterStatus().mappings}`);
    const got = new Map<number, number>();
    for (let i = 0; i < m.pairs.length; i += 2) got.set(m.pairs[i]!, m.pairs[i + 1]!);
    const { pid, mapper } = shmHolder.info;
    for (const p of [pid, mapper]) assert.equal(got.get(p), stat22(p), `process ${p} (maps the segments)`);
    // The population holds shm segments by fd only: no mapping.
    for (const p of pop.info.pids) assert.equal(got.has(p), false, `population process ${p} listed`);
    // Each tgid once.
    assert.equal(got.size * 2, m.pairs.length);
  });

  it('takes a mapping-only holder from the mapping table when its process was in the fd table, else asks PROCMAP_QUERY', () => {
    const t = readFdTable();
    const m = readMapperTable(mapDevices().devs);
    assert.ok(t && m);
    const { pipeDev } = pseudoDevices();
    const mapper = shmHolder.info.mapper;
    const run = (mappers: MapperTable | null, table: FdTable | null): number => {
      const w = walkProcesses([mapper], { pipeDev, selfPid: process.pid, sampleFill: false, ipc: null, mapDevs: mapDevices().fields, fdTable: table, mappers }, 0);
      return w.maps.filter((x) => x.pid === mapper).flatMap((x) => x.entries).length;
    };
    const all = run(null, null);
    assert.ok(all >= 3, `the mapper's mappings: ${all}`);
    assert.equal(run(m, t), all);
    const without = (pairs: number[]): MapperTable => ({ pairs: Float64Array.from(pairs) });
    const rest: number[] = [];
    for (let i = 0; i < m.pairs.length; i += 2) if (m.pairs[i] !== mapper) rest.push(m.pairs[i]!, m.pairs[i + 1]!);
    // Left out of the table: the walk trusts it (proof it is read) and reads no maps.
    assert.equal(run(without(rest), t), 0);
    // Listed with another start time (a pid reused): PROCMAP_QUERY decides, and finds them.
    assert.equal(run(without([...rest, mapper, 1]), t), all);
    // Not in the fd table (started after it was read): the mapping table is not trusted either.
    assert.equal(run(without(rest), null), all);
  });

  it('walks a process started after the iterator was read through /proc', async () => {
    const t = readFdTable();
    assert.ok(t);
    const late = await startHelper<{ holder: number }>('ipc_objects.py', ['pipe', work]);
    holders.push(late);
    assert.ok(![...t.pids].includes(late.child.pid!));
    const viaTable = walk(late.child.pid!, t);
    assert.ok(viaTable.length >= 3, `the late process's fds: ${viaTable.join(' ')}`);
    assert.deepEqual(viaTable, walk(late.child.pid!, null));
  });

  it('a helper reads the tables while the caller reads the dumps, the caller waits and uses them; a failed read means /proc for every thread', async function () {
    const { pipeDev } = pseudoDevices();
    const devs = mapDevices();
    const opts = { pipeDev, selfPid: process.pid, sampleFill: true, ipc: ipcDevices(), mapDevs: devs.fields };
    const all = listPids();
    const view = (w: ProcessWalk): string[] => w.walk.fds.filter((f) => pids.has(f.pid)).map((f) => `${f.pid}:${f.fd}:${f.dev}:${f.ino}:${f.access}:${f.link?.toString('latin1') ?? ''}`).sort();
    const mapsOf = (w: ProcessWalk): string[] => w.maps.filter((m) => pids.has(m.pid)).map((m) => `${m.pid}:${m.entries.length}`).sort();
    const viaProc = walkProcesses(all, opts, 0);
    assert.equal(viaProc.iterators, undefined);
    const plan = prepareIterators(devs.devs);
    assert.ok(plan && plan.vmaLink >= 0, `iterators: ${JSON.stringify(fdIterStatus())}`);
    // The caller's "socket dumps" take 40 ms: the helper claims the read and the caller takes the tables it left.
    let byHelper: ProcessWalk | undefined;
    // (A helper still starting misses the job: then the caller reads them; try again once it runs.)
    for (let i = 0; i < 50 && !byHelper?.iterators?.byHelper; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      byHelper = walkProcesses(all, opts, 1, () => {
        const until = performance.now() + 40;
        while (performance.now() < until);
      }, plan);
    }
    assert.ok(byHelper?.iterators?.byHelper, `the helper never read the tables: ${JSON.stringify(byHelper?.iterators)}`);
    assert.equal(byHelper.iterators.mappers, true);
    assert.ok(byHelper.threads >= 2, `threads ${byHelper.threads}`);
    assert.deepEqual(view(byHelper), view(viaProc));
    assert.deepEqual(mapsOf(byHelper), mapsOf(viaProc));
    // Alone, the caller reads them.
    const alone = walkProcesses(all, opts, 0, undefined, plan);
    assert.equal(alone.iterators?.byHelper, false);
    assert.deepEqual(view(alone), view(viaProc));
    // Records that do not fit the share (bounded growth): no tables, said so, not thrown.
    const tiny = { meta: new SharedArrayBuffer(32), fd: new SharedArrayBuffer(0, { maxByteLength: 64 }), maps: new SharedArrayBuffer(0, { maxByteLength: 64 }) };
    readTablesInto(plan, tiny);
    assert.equal(new Int32Array(tiny.meta)[0], TABLES_FAILED);
    assert.equal(tablesFrom(tiny), null);
    // Iterators that cannot be read (a link fd that is no link): nobody has tables, everyone walks /proc.
    for (const helpers of [0, 1]) {
      const failed = walkProcesses(all, opts, helpers, undefined, { fdLink: 1_000_000, vmaLink: -1 });
      assert.equal(failed.iterators, undefined);
      assert.deepEqual(view(failed), view(viaProc));
      assert.deepEqual(mapsOf(failed), mapsOf(viaProc));
    }
  });

  it('reads a pipe\'s fill from its ring as FIONREAD and F_GETPIPE_SZ do: across slots, merged writes, the ring wrapping, resized', async () => {
    assert.equal(fdIterStatus().fills, null, `fills are not read by the iterator: ${fdIterStatus().fills}`);
    const p = await startHelper<{ pid: number; dev: number; ino: number; r: number; w: number }>('pipe_fill.py');
    holders.push(p);
    const { pid, dev, ino, r } = p.info;
    const pidfds = new Pidfds();
    const check = (what: string): void => {
      const t = readFdTable();
      assert.ok(t);
      const g = [...t.pids].indexOf(pid);
      assert.ok(g >= 0);
      let rec = -1;
      for (let i = t.starts[g]!; i < t.ends[g]!; i++) if (t.words[i * RECORD_WORDS + REC.fd] === r) rec = i * RECORD_WORDS;
      assert.ok(rec >= 0, 'the read end is not in the table');
      const viaSyscalls = samplePipe(pid, r, dev, ino, pidfds);
      assert.ok(viaSyscalls);
      assert.equal(t.words[rec + REC.fill], FILL_READ, what);
      assert.deepEqual({ used: t.words[rec + REC.fillUsed], capacity: t.words[rec + REC.fillPages]! * libc().pageSize() }, viaSyscalls, what);
    };
    try {
      check('empty');
      await p.command('write 5000'); // two slots: 4096 + 904
      check('5000 bytes');
      await p.command('read 3000');
      check('2000 bytes left');
      await p.command('write 100'); // merged into the last slot
      check('2100 bytes');
      // Tail and head run past the 16 slots: the indexes wrap through the mask.
      await p.command('cycle 3000 40');
      check('after 40 rounds of 3000 bytes in and out');
      await p.command('resize 1048576');
      await p.command('write 300000');
      check('resized to 1 MiB, 300 kB queued (74 slots)');
      // A write end has no fill of its own in the table (the read end's stands for the pipe).
      const t = readFdTable()!;
      const g = [...t.pids].indexOf(pid);
      for (let i = t.starts[g]!; i < t.ends[g]!; i++) {
        if (t.words[i * RECORD_WORDS + REC.fd] === p.info.w) assert.equal(t.words[i * RECORD_WORDS + REC.fill], 0);
      }
    } finally {
      pidfds.close();
    }
  });

  it('in another time namespace (start times shifted by its boottime offset) walks /proc and says why', function () {
    const run = (prefix: string[]): { fdSource: string; fdIteratorUnusable: string | null; objects: number } | null => {
      const r = spawnSync(prefix[0]!, [...prefix.slice(1), process.execPath, '--require', 'tsx/cjs', helperPath('snapshot-source.ts')], { encoding: 'utf8', timeout: 30000 });
      return r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()!) : null;
    };
    const shifted = run(['unshare', '--time', '--boottime', '1000', '--fork']);
    if (!shifted) this.skip(); // no time namespaces here (before Linux 5.6, or not permitted)
    assert.deepEqual([shifted.fdSource, shifted.fdIteratorUnusable], ['procfs', 'not in the initial time namespace']);
    assert.ok(shifted.objects > 0);
    const here = run(['env']);
    assert.deepEqual([here?.fdSource, here?.fdIteratorUnusable], ['bpf-iterator', null]);
  });

  it('turned off by IPC_INSPECTOR_BPF=0, with the reason in the snapshot', () => {
    const saved = process.env['IPC_INSPECTOR_BPF'];
    process.env['IPC_INSPECTOR_BPF'] = '0';
    try {
      resetFdIter();
      const s = takeSnapshot({ threads: 1 });
      assert.equal(s.scan?.fdSource, 'procfs');
      assert.match(s.scan?.fdIteratorUnusable ?? '', /IPC_INSPECTOR_BPF=0/);
    } finally {
      if (saved === undefined) delete process.env['IPC_INSPECTOR_BPF'];
      else process.env['IPC_INSPECTOR_BPF'] = saved;
      resetFdIter();
    }
    assert.equal(takeSnapshot({ threads: 1 }).scan?.fdSource, 'bpf-iterator');
  });
});
