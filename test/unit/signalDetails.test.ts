import { strict as assert } from 'node:assert';
import { signalDetailLines } from '../../src/core/view/signalDetails';

describe('process details: signals', () => {
  const sig = { caught: ['SIGUSR1'], ignored: ['SIGPIPE'], blocked: [], pending: ['SIGTERM'], pendingThread: [] };
  it('without thread details: the main thread\'s mask and pending set, said to be the main thread\'s', () => {
    assert.deepEqual(signalDetailLines(sig, null), [
      'signals:',
      '  caught:                USR1',
      '  ignored:               PIPE',
      '  pending (process):     TERM',
      '  blocked (main thread): -',
      '  pending (main thread): -',
    ]);
  });
  it('with threads: each thread\'s own mask and pending set, names escaped', () => {
    const lines = signalDetailLines(sig, [
      { tid: 7, name: 'main', blocked: [], pending: [] },
      { tid: 9, name: 'w\x1b[2J', blocked: ['SIGUSR1', 'SIGRTMIN+6'], pending: ['SIGUSR1'] },
    ]);
    assert.deepEqual(lines.slice(4), [
      '  threads (2): tid, name, blocked; pending for that thread alone',
      '    7  main  blocked: -',
      '    9  w\\x1b[2J  blocked: USR1, RTMIN+6; pending: USR1',
    ]);
    assert.equal(signalDetailLines(null, null)[0], 'signals: (unreadable)');
  });
});
