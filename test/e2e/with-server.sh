#!/usr/bin/env bash
# Runs one command against a throwaway code-server with the VSIX installed, started exactly as the e2e test
# starts it (test/e2e/lib/server.sh), with the E2E_* variables of test/e2e/lib/workbench.mjs exported plus
# E2E_SERVER_PID (the server's process group). Packages first unless IPC_E2E_SKIP_PACKAGE=1.
# Used by `npm run bench:explorer`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=lib/server.sh
source "$ROOT/test/e2e/lib/server.sh"

[ $# -gt 0 ] || { echo "usage: with-server.sh COMMAND [ARGS...]" >&2; exit 2; }
bash "$ROOT/test/e2e/setup.sh" >&2
[ "${IPC_E2E_SKIP_PACKAGE:-}" = 1 ] || npm run -s package > /dev/null
cleanup() {
  local rc=$?
  e2e_cleanup
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
e2e_prepare
e2e_install
e2e_start
echo "[with-server] code-server $BASE (pid $CS_PID)" >&2
e2e_export
"$@"
