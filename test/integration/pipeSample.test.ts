// Integration: pipe fill through pidfd_getfd (a duplicate of the reader's own fd) and through a re-open of
// /proc/PID/fd/N give the same figures on a real pipe held by another process; both check that the fd
// still names that pipe, and neither leaves an fd behind in the inspector.

import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { AT_FDCWD, libc } from '../../native/libc';
import { Pidfds, openPidfd, sampleAt, samplePipe, sampleViaPidfd } from '../../src/core/scan/fill';
import { statPath } from '../../src/core/scan/procio';
import { startHelper, type Holder } from './helpers/holders';

interface PipeInfo { pipe: { dev: number; ino: number }; reader: { pid: number; fd: number }; writer: { pid: number; fd: number } }

describe('pipe fill sampling: pidfd_getfd and /proc/PID/fd re-open', function () {
  this.timeout(20000);
  let h: Holder<PipeInfo>;
  before(async () => {
    h = await startHelper<PipeInfo>('ipc_objects.py', ['pipe', '/tmp']);
  });
  after(async () => h?.stop());
  const ownFds = (): number => readdirSync('/proc/self/fd').length;

  it('both paths read the same used/capacity, follow writes and close what they open', async function () {
    const { reader, pipe } = h.info;
    const st = statPath(`/proc/${reader.pid}/fd/${reader.fd}`);
    assert.ok(typeof st !== 'string', String(st));
    const dev = st.dev;
    assert.equal(st.ino, pipe.ino);
    // The re-open path keeps one O_PATH fd on /proc/self/fd for the life of the process: open it first.
    sampleAt(AT_FDCWD, `/proc/${reader.pid}/fd/${reader.fd}`, dev, pipe.ino);
    const before = ownFds();
    const pidfd = openPidfd(reader.pid);
    if (pidfd < 0) this.skip(); // pidfds unavailable here: the re-open path is all there is (covered elsewhere)
    try {
      const viaPidfd = sampleViaPidfd(pidfd, reader.fd, dev, pipe.ino);
      const viaProc = sampleAt(AT_FDCWD, `/proc/${reader.pid}/fd/${reader.fd}`, dev, pipe.ino);
      assert.deepEqual(viaPidfd, { used: 1234, capacity: 65536 });
      assert.deepEqual(viaProc, viaPidfd);
      await h.command('write 66');
      assert.deepEqual(sampleViaPidfd(pidfd, reader.fd, dev, pipe.ino), { used: 1300, capacity: 65536 });
      // Another inode at that fd number (as after close + reuse): no sample rather than a wrong one.
      assert.equal(sampleViaPidfd(pidfd, reader.fd, dev, pipe.ino + 1), null);
      assert.equal(sampleAt(AT_FDCWD, `/proc/${reader.pid}/fd/${reader.fd}`, dev, pipe.ino + 1), null);
      // An fd the process does not have.
      assert.equal(sampleViaPidfd(pidfd, 999_999, dev, pipe.ino), null);
    } finally {
      libc().close(pidfd);
    }
    assert.equal(ownFds(), before, 'an fd was left open');
  });

  it('samplePipe with a Pidfds cache opens one pidfd per process and closes it', function () {
    const { reader, pipe } = h.info;
    const st = statPath(`/proc/${reader.pid}/fd/${reader.fd}`);
    assert.ok(typeof st !== 'string');
    const before = ownFds();
    const pidfds = new Pidfds();
    const a = samplePipe(reader.pid, reader.fd, st.dev, pipe.ino, pidfds);
    const b = samplePipe(reader.pid, reader.fd, st.dev, pipe.ino, pidfds);
    assert.ok(a && b && a.used >= 1234 && a.capacity === 65536);
    assert.deepEqual(a, b);
    pidfds.close();
    assert.equal(ownFds(), before);
    // And without a cache: the /proc path alone.
    assert.deepEqual(samplePipe(reader.pid, reader.fd, st.dev, pipe.ino), a);
  });
});
