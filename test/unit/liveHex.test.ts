import { strict as assert } from 'node:assert';
import { hexLines } from '../../webview/shared/hexFormat';
import { peekSource } from '../../src/core/live/peek';
import type { IpcObject } from '../../src/core/model';

describe('live: hex peek', () => {
  it('formats offset, hex and ASCII columns; non-printable bytes as dots; markup stays text', () => {
    const bytes = new Uint8Array([...Buffer.from('<img src=x>'), 0, 0x1b, 0x7f, 0xff, 0x41]);
    const lines = hexLines(bytes);
    assert.deepEqual(lines[0], { offset: '00000000', hex: '3c 69 6d 67 20 73 72 63  3d 78 3e 00 1b 7f ff 41', text: '<img src=x>....A' });
    assert.deepEqual(lines.at(-1), { offset: '00000010', hex: '', text: '' });
  });

  it('collapses runs of identical lines like hexdump, keeping the last line and the end offset', () => {
    const bytes = new Uint8Array(64 * 1024);
    bytes[65535] = 1;
    const lines = hexLines(bytes);
    assert.deepEqual(lines.map((l) => l.offset), ['00000000', '*', '0000fff0', '00010000']);
  });

  it('a short last line is padded in the hex column', () => {
    const [l] = hexLines(new Uint8Array([1, 2, 3]));
    assert.equal(l!.hex, `01 02 03${'   '.repeat(5)}  ${'   '.repeat(7)}  `);
    assert.equal(l!.text, '...');
  });

  it('knows which objects can be read without mapping them', () => {
    const o = (x: Partial<IpcObject> & Pick<IpcObject, 'kind'>): IpcObject => ({ id: 'x', inode: 5, name: '', endpoints: [], findings: [], ...x });
    const shm = peekSource(o({ kind: 'posix-shm', name: '/seg' }));
    assert.ok(typeof shm !== 'string' && shm.file === '/dev/shm/seg');
    assert.equal(typeof peekSource(o({ kind: 'posix-shm', name: '/a/../../etc/passwd' })), 'string');
    const memfd = peekSource(o({ kind: 'memfd', endpoints: [{ pid: 9, fd: null, access: 'map' }, { pid: 10, fd: 7, access: 'rw' }] }));
    assert.ok(typeof memfd !== 'string' && memfd.file === '/proc/10/fd/7');
    assert.match(peekSource(o({ kind: 'memfd', endpoints: [{ pid: 9, fd: null, access: 'map' }] })) as string, /mapping only/);
    assert.match(peekSource(o({ kind: 'sysv-shm' })) as string, /shmat/);
  });
});
