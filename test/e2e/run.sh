#!/usr/bin/env bash
# `npm run test:e2e`: packages the VSIX, installs it into a throwaway code-server (a real VS Code), then runs
# (1) the Playwright UI tests in test/e2e/ui and (2) the mocha suite inside the extension host (test/e2e/suite).
# Needs no network once test/e2e/setup.sh has filled the cache. Env: IPC_E2E_CACHE (default .e2e/),
# IPC_E2E_OUT (default out/e2e/: screenshots, logs), IPC_E2E_SKIP_PACKAGE=1 (reuse out/*.vsix),
# IPC_E2E_UI (glob of UI tests to run, default all; empty string = none), IPC_E2E_SKIP_HOST=1 (no stage 2),
# IPC_E2E_SCRIPT (a node script, relative to the repository, run against the same server after stage 2, e.g.
# scripts/bench-live-vscode.mjs; it gets the E2E_* variables below plus E2E_SERVER_PID).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=lib/server.sh
source "$ROOT/test/e2e/lib/server.sh"

now() { date +%s%3N; }
declare -a TIMES=()
T_START=$(now); T_LAST=$T_START
mark() { local t; t=$(now); TIMES+=("$(printf '%-34s %6.1f s' "$1" "$(( t - T_LAST ))e-3")"); T_LAST=$t; }
log() { printf '[e2e] %s\n' "$*"; }

bash "$ROOT/test/e2e/setup.sh"
mark "setup (cached after the first run)"

if [ "${IPC_E2E_SKIP_PACKAGE:-}" != 1 ]; then
  npm run -s package
fi
mark "package VSIX"

cleanup() {
  local rc=$?
  e2e_cleanup
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

e2e_prepare
rm -f "$OUT"/*.png "$OUT"/activation-ms.txt
e2e_install
mark "install VSIX into code-server"

e2e_start
log "code-server $BASE (pid $CS_PID), extension at $EXT_DIR"
mark "start code-server"

e2e_export
MOCHA=$ROOT/node_modules/.bin/mocha
rc_ui=0
UI_GLOB=${IPC_E2E_UI-test/e2e/ui/**/*.test.mjs}
[ -z "$UI_GLOB" ] || "$MOCHA" --timeout 240000 --slow 30000 "$UI_GLOB" || rc_ui=$?
mark "stage 1: UI tests (Playwright)"
rc_host=0
[ "${IPC_E2E_SKIP_HOST:-}" = 1 ] || node "$ROOT/test/e2e/exthost.mjs" || rc_host=$?
mark "stage 2: extension-host tests"
rc_script=0
if [ -n "${IPC_E2E_SCRIPT:-}" ]; then
  E2E_SERVER_PID=$CS_PID node "$ROOT/$IPC_E2E_SCRIPT" || rc_script=$?
  mark "script $IPC_E2E_SCRIPT"
fi

# The extension logs its own activation time ("activated in <ms> ms") to its LogOutputChannel, one file per
# extension host: exthost1 is stage 1 (a user opening the view), exthost2 stage 2.
ACT=$(cat "$W"/ud/logs/*/exthost*/ipc-inspector.ipc-inspector/*.log 2>/dev/null | grep -oP 'activated in \K[0-9.]+(?= ms)' | tr '\n' ' ' || true)
e2e_stop
mark "stop code-server"

echo
echo "e2e timings:"
printf '  %s\n' "${TIMES[@]}"
printf '  %-34s %6.1f s\n' "total" "$(( $(now) - T_START ))e-3"
echo "  activation (stage 1), VS Code's figure (code loading + activate()): $(cat "$OUT/activation-ms.txt" 2>/dev/null || echo '?') ms"
echo "  activate() body, the extension's own log (stage 1, stage 2): ${ACT:-not logged} ms"
echo "  screenshots and logs: ${OUT#"$ROOT"/}/"
if [ "$rc_ui" != 0 ] || [ "$rc_host" != 0 ] || [ "$rc_script" != 0 ]; then
  echo "e2e FAILED (UI tests exit $rc_ui, extension-host tests exit $rc_host, script exit $rc_script)" >&2
  exit 1
fi
echo "e2e passed"
