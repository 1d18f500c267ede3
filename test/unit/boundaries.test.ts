import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = path.resolve(__dirname, '../../scripts/check-boundaries.mjs');

describe('module boundaries', () => {
  it('the engine, native layer and webviews do not import vscode', () => {
    const r = spawnSync(process.execPath, [script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('the check fails when an engine file imports vscode', () => {
    const d = mkdtempSync(path.join(tmpdir(), 'ipc-bound-'));
    try {
      mkdirSync(path.join(d, 'src/core'), { recursive: true });
      mkdirSync(path.join(d, 'scripts'));
      cpSync(script, path.join(d, 'scripts/check-boundaries.mjs'));
      writeFileSync(path.join(d, 'src/core/bad.ts'), "import * as vscode from 'vscode';\n");
      const r = spawnSync(process.execPath, ['scripts/check-boundaries.mjs'], { cwd: d, encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /src\/core\/bad\.ts/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
