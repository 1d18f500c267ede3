import { strict as assert } from 'node:assert';
import { chooseDemoNode } from '../../native/demo/ringDemo';

describe('ring demo: which node runs the producer and consumer', () => {
  const electron = '/usr/share/code/code';
  it('plain Node (code-server, CLI): its own executable, no warning', () => {
    assert.deepEqual(chooseDemoNode({ electron: false, arch: 'arm64', execPath: '/usr/bin/node', candidate: '/usr/bin/node' }), { node: '/usr/bin/node' });
  });
  it('Electron with a node on PATH: that node (zero-copy view + Atomics)', () => {
    assert.deepEqual(chooseDemoNode({ electron: true, arch: 'arm64', execPath: electron, candidate: '/usr/local/bin/node' }), { node: '/usr/local/bin/node' });
  });
  it('Electron without a node on PATH: Electron as Node with a warning on x86-64, an error elsewhere', () => {
    const x64 = chooseDemoNode({ electron: true, arch: 'x64', execPath: electron, candidate: electron });
    assert.ok('node' in x64 && x64.node === electron && /no memory barriers/.test(x64.warning ?? ''), JSON.stringify(x64));
    const arm = chooseDemoNode({ electron: true, arch: 'arm64', execPath: electron, candidate: electron });
    assert.ok('error' in arm && /Node\.js on PATH/.test(arm.error) && /arm64/.test(arm.error), JSON.stringify(arm));
  });
});
