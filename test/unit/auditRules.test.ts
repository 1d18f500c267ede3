// Unit: the pure security rules (modes, directory chains, listeners, SysV modes).

import { strict as assert } from 'node:assert';
import {
  addFindings, ancestorsOf, directoryFindings, listenerFindings, modeFindings, modeOf, octal, servesBoundFile, sysvFindings,
} from '../../src/core/audit/rules';
import type { Finding, InetInfo } from '../../src/core/model';

const inet = (over: Partial<InetInfo>): { inet: InetInfo } => ({
  inet: { family: 4, protocol: 'tcp', local: '0.0.0.0:80', remote: null, state: 'LISTEN', peer: null, ...over },
});

describe('audit rules', () => {
  it('modeFindings: o+w is a world-writable warning naming the mode, g+w an info, 0600/0644 nothing', () => {
    assert.deepEqual(modeFindings('unix', 0o140777), [{ severity: 'warning', code: 'world-writable', message: 'mode 0777: any local user can connect to it' }]);
    assert.equal(modeFindings('fifo', 0o010622)[0]?.code, 'world-writable');
    assert.match(modeFindings('fifo', 0o010622)[0]!.message, /^mode 0622: any local user can write into it/);
    assert.deepEqual(modeFindings('posix-mq', 0o660).map((f) => [f.code, f.severity]), [['group-writable', 'info']]);
    assert.deepEqual(modeFindings('unix', 0o600), []);
    assert.deepEqual(modeFindings('posix-shm', 0o644), []);
    assert.deepEqual(modeFindings('posix-shm', 0o1000), []);
  });

  it('octal keeps special bits and pads to four digits', () => {
    assert.equal(octal(0o140755), '0755');
    assert.equal(octal(0o41777), '1777');
    assert.equal(octal(0o7), '0007');
  });

  it('ancestorsOf lists every parent nearest first; relative paths have none', () => {
    assert.deepEqual(ancestorsOf('/a/b/c.sock'), ['/a/b', '/a', '/']);
    assert.deepEqual(ancestorsOf('/x'), ['/']);
    assert.deepEqual(ancestorsOf('/a//b/'), ['/a/', '/a', '/']);
    assert.deepEqual(ancestorsOf('rel/x'), []);
    assert.deepEqual(ancestorsOf('@x'), []);
  });

  it('directoryFindings: a world-writable ancestor without sticky bit is insecure, with sticky it is not', () => {
    assert.deepEqual(directoryFindings([{ path: '/tmp', mode: 0o41777 }, { path: '/', mode: 0o40755 }]), []);
    const f = directoryFindings([{ path: '/srv/x', mode: 0o40755 }, { path: '/srv', mode: 0o40777 }]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.code, 'insecure-directory');
    assert.match(f[0]!.message, /\/srv has mode 0777/);
    assert.deepEqual(directoryFindings([{ path: '/g', mode: 0o40775 }]), []);
    assert.deepEqual(directoryFindings([]), []);
  });

  it('listenerFindings: TCP LISTEN and unconnected UDP on 0.0.0.0 / [::] only', () => {
    assert.equal(listenerFindings(inet({}))[0]?.code, 'listens-on-all-interfaces');
    assert.equal(listenerFindings(inet({ local: '[::]:8080', family: 6 }))[0]?.severity, 'warning');
    assert.match(listenerFindings(inet({ local: '[::]:8080', family: 6 }))[0]!.message, /port 8080/);
    assert.deepEqual(listenerFindings(inet({ local: '127.0.0.1:80' })), []);
    assert.deepEqual(listenerFindings(inet({ local: '[::1]:80' })), []);
    assert.deepEqual(listenerFindings(inet({ state: 'ESTABLISHED', remote: '1.2.3.4:5' })), []);
    assert.equal(listenerFindings(inet({ protocol: 'udp', state: 'UNCONN' })).length, 1);
    assert.deepEqual(listenerFindings(inet({ protocol: 'udp', state: 'ESTABLISHED', remote: '10.0.0.1:53' })), []);
    assert.deepEqual(listenerFindings({ inet: undefined }), []);
    assert.deepEqual(listenerFindings(inet({ local: '0.0.0.0:80x' })), []);
  });

  it('modeOf reads numbers and octal strings, rejects junk', () => {
    assert.equal(modeOf(0o666), 0o666);
    assert.equal(modeOf('0666'), 0o666);
    assert.equal(modeOf('600'), 0o600);
    assert.equal(modeOf('0x1ff'), null);
    assert.equal(modeOf(-1), null);
    assert.equal(modeOf(undefined), null);
    assert.equal(modeOf('9'), null);
  });

  it('sysvFindings: 0666, and any mode others may write through (0777, 0622), is world-writable', () => {
    assert.equal(sysvFindings('sysv-shm', 0o666)[0]?.code, 'world-writable');
    assert.match(sysvFindings('sysv-shm', 0o777)[0]!.message, /^mode 0777: any local user can write into it/);
    assert.equal(sysvFindings('sysv-msg', 0o622)[0]?.code, 'world-writable');
    assert.match(sysvFindings('sysv-msg', 0o1666)[0]!.message, /mode 1666/);
    assert.deepEqual(sysvFindings('sysv-shm', 0o600), []);
    assert.deepEqual(sysvFindings('sysv-sem', 0o644), []);
  });

  it('servesBoundFile: listeners, datagram sockets and sockets about to listen keep their file alive; connections do not', () => {
    assert.equal(servesBoundFile({ type: 'stream', state: 'listen' }), true);
    assert.equal(servesBoundFile({ type: 'seqpacket', state: 'unconnected' }), true);
    assert.equal(servesBoundFile({ type: 'dgram', state: 'connected' }), true);
    assert.equal(servesBoundFile({ type: 'stream', state: 'connected' }), false);
    assert.equal(servesBoundFile({ type: 'seqpacket', state: 'disconnecting' }), false);
  });

  it('addFindings does not repeat a code', () => {
    const o: { findings: Finding[] } = { findings: [] };
    addFindings(o, modeFindings('unix', 0o777));
    addFindings(o, modeFindings('unix', 0o777));
    assert.equal(o.findings.length, 1);
  });
});
