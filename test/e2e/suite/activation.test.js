// Extension-host tests: the installed VSIX activates in code-server's Node 24 host, registers its commands,
// and its shipped koffi loads there (the platform binary is the only native part of the package).
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const ID = 'ipc-inspector.ipc-inspector';

describe('IPC Inspector in the extension host', function () {
  it('runs the installed VSIX, not the source tree', function () {
    const ext = vscode.extensions.getExtension(ID);
    assert.ok(ext, `${ID} is not installed`);
    assert.equal(ext.extensionPath, process.env.IPC_E2E_EXTENSION_PATH);
    assert.equal(vscode.env.remoteName !== undefined, true, 'runs in the server extension host');
  });

  it('activates and registers ipcInspector.refresh', async function () {
    const ext = vscode.extensions.getExtension(ID);
    await ext.activate();
    assert.equal(ext.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('ipcInspector.refresh'), 'ipcInspector.refresh is registered');
  });

  it('loads the packaged koffi under the host\'s Node and calls libc', function () {
    const ext = vscode.extensions.getExtension(ID);
    const koffi = require(path.join(ext.extensionPath, 'node_modules', 'koffi'));
    const getpid = koffi.load('libc.so.6').func('int getpid()');
    assert.equal(getpid(), process.pid);
    console.log(`[mocha]       (koffi ${koffi.version} on Node ${process.version}, ${process.platform}-${process.arch})`);
  });
});
