// Prints how to install the packaged VSIX and how to run the CLI (the last step of `npm start`).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const vsix = path.join(root, 'out', 'ipc-inspector-linux-x64.vsix');
const rel = path.relative(process.cwd(), vsix) || vsix;

if (!existsSync(vsix)) {
  console.log(`No VSIX yet: run \`npm run package\` to build ${rel}.`);
  process.exit(1);
}
const kib = (statSync(vsix).size / 1024).toFixed(0);
console.log(`
IPC Inspector is packaged: ${rel} (${kib} KiB, linux-x64)

Install it into VS Code (then open the "IPC Inspector" icon in the activity bar):
  code --install-extension ${rel}
  code-server --install-extension ${rel}      # code-server / remote hosts
  (or in VS Code: Extensions view > "..." > "Install from VSIX...")

The same engine from a terminal:
  node dist/cli.js ls                  # table of every IPC object, its holders, peer and queue fill
  node dist/cli.js ls --json           # snapshot JSON (schemaVersion 1)
  node dist/cli.js --help
  npm link && ipc-inspector ls         # optional: put \`ipc-inspector\` on PATH
`);
