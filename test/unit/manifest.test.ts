// The manifest (package.json contributes) against the extension's code: every contributed command is
// registered and every registered one contributed (or hidden on purpose), menus name real commands, when
// clauses read context keys the extension sets, and the object menus match the rows they are meant for.

import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { IpcObject } from '../../src/core/model';
import { objectContextValue } from '../../src/core/view/treeModel';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const sources = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = path.join(dir, f);
  return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [readFileSync(p, 'utf8')] : [];
});
const code = sources(path.join(root, 'src', 'extension')).join('\n');
type MenuItem = { command: string; when?: string };
const menus = pkg.contributes.menus as Record<string, MenuItem[]>;
const menuItem = (menu: string, command: string): MenuItem => {
  const m = menus[menu]!.find((x) => x.command === command);
  assert.ok(m, `${command} in ${menu}`);
  return m;
};
/** The /regex/ of a when clause's `viewItem =~ /.../` term. */
const viewItemRegex = (when: string): RegExp => {
  const m = /viewItem =~ \/((?:\\\/|[^/])+)\//.exec(when);
  assert.ok(m, when);
  return new RegExp(m[1]!);
};

describe('the manifest agrees with the code', () => {
  const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

  it('contributed commands are registered; registered ones are contributed or internal', () => {
    const registered = new Set([...code.matchAll(/registerCommand\((?:log, )?'(ipcInspector\.[\w.]+)'/g)].map((m) => m[1]!));
    assert.ok(registered.size > 20, `found ${registered.size} registrations`);
    for (const c of contributed) assert.ok(registered.has(c), `${c} is contributed but never registered`);
    const internal = [...registered].filter((c) => !contributed.has(c));
    assert.deepEqual(internal, ['ipcInspector.revealProcess'], 'commands registered without a title (internal ones only)');
  });

  it('menus name contributed commands, and when clauses read context keys the extension sets', () => {
    const keys = new Set([...code.matchAll(/setContext', '(ipcInspector\.[\w.]+)'/g)].map((m) => m[1]!));
    const views = new Set(Object.values(pkg.contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));
    let checked = 0;
    for (const [menu, items] of Object.entries(menus)) {
      for (const item of items) {
        assert.ok(contributed.has(item.command), `${menu}: ${item.command} is not a contributed command`);
        // Names outside quotes (a quoted one is a value, such as a webview panel's type) that are not view ids.
        const when = (item.when ?? '').replace(/'[^']*'/g, "''");
        for (const k of when.match(/ipcInspector\.[\w.]+/g) ?? []) {
          if (views.has(k)) continue;
          checked++;
          assert.ok(keys.has(k), `${menu} ${item.command}: context key ${k} is never set`);
        }
      }
    }
    assert.ok(checked >= 10, `only ${checked} context keys checked`);
  });

  it('Pause and Resume of the occupancy panel are never offered together', () => {
    for (const menu of ['editor/title', 'commandPalette']) {
      const pause = menuItem(menu, 'ipcInspector.occupancy.pause').when!;
      const resume = menuItem(menu, 'ipcInspector.occupancy.resume').when!;
      assert.match(pause, /&& !ipcInspector\.occupancy\.paused$/, `${menu} pause: ${pause}`);
      assert.match(resume, /&& ipcInspector\.occupancy\.paused$/, `${menu} resume: ${resume}`);
    }
  });

  it('Copy Name and Copy Inode are offered on objects, not on group rows', () => {
    const obj = (kind: IpcObject['kind'], extra: Partial<IpcObject> = {}): IpcObject => ({ id: `${kind}:1`, kind, inode: 1, name: '', endpoints: [], findings: [], ...extra });
    const objects = [obj('pipe'), obj('fifo', { name: '/tmp/a.fifo' }), obj('posix-shm', { name: '/seg' }), obj('posix-sem', { name: '/sem.x' }), obj('tcp'), obj('sysv-msg')].map(objectContextValue);
    for (const command of ['ipcInspector.copyName', 'ipcInspector.copyInode']) {
      const re = viewItemRegex(menuItem('view/item/context', command).when!);
      for (const v of objects) assert.ok(re.test(v), `${command} missing on ${v}`);
      for (const v of ['ipc.group.pipes', 'ipc.group.unix', 'ipc.group.posix-shm']) assert.ok(!re.test(v), `${command} offered on the group row ${v}`);
    }
    // A POSIX semaphore can be deleted like a segment or a queue (sem_unlink removes /dev/shm/sem.NAME).
    assert.match(objectContextValue(obj('posix-sem', { name: '/sem.x' })), /\.unlinkable\b/);
  });
});
