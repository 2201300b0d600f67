# shellcheck shell=bash
# Source me (after e2e/install.sh has run): the selected n8n and its Node first on PATH, and an isolated,
# offline, quiet n8n.
#
# Inputs (all optional):
#   N8N_E2E_ROOT             install/cache folder (same default as install.sh)
#   N8N_E2E_VERSION          which n8n: 2 (default, n8n 2.x on Node 24) or 1 (n8n 1.x on Node 22); e2e/versions.sh
#   N8N_USER_FOLDER          n8n state (sqlite DB, config, community packages under .n8n/nodes);
#                            default: a fresh folder under $N8N_E2E_ROOT/runs/
#   N8N_PORT                 editor/API port for `n8n start`; default: a free port
#   N8N_RUNNERS_BROKER_PORT  task-runner broker port; default: a free port. Every n8n process (start *and*
#                            execute) opens one, so two processes on the same port collide.
#   DB_TYPE                  default sqlite (in the user folder); queue.sh sets postgresdb

export N8N_E2E_ROOT=${N8N_E2E_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-botpenguin-inbox/e2e}
export E2E_ORIG_PATH=${E2E_ORIG_PATH:-$PATH}   # the repo's own Node, for build/pack/simulator
# shellcheck source=e2e/versions.sh
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
e2e_use_version "${N8N_E2E_VERSION:-2}" || return 1
export PATH="$E2E_N8N_DIR/node_modules/.bin:$E2E_NODE_DIR/bin:$E2E_ORIG_PATH"
export npm_config_nodedir="$E2E_NODE_DIR"

# A free TCP port on 127.0.0.1 (asked from the OS, so parallel runs do not collide).
e2e_free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

if [ -z "${N8N_USER_FOLDER:-}" ]; then
  mkdir -p "$N8N_E2E_ROOT/runs"
  N8N_USER_FOLDER=$(mktemp -d "$N8N_E2E_ROOT/runs/$(date +%Y%m%d-%H%M%S).XXXX")
fi
export N8N_USER_FOLDER
export N8N_PORT=${N8N_PORT:-$(e2e_free_port)}
export N8N_RUNNERS_BROKER_PORT=${N8N_RUNNERS_BROKER_PORT:-$(e2e_free_port)}
export N8N_HOST=127.0.0.1 N8N_LISTEN_ADDRESS=127.0.0.1
export N8N_EDITOR_BASE_URL="http://127.0.0.1:$N8N_PORT"

# Fixed key: import:credentials encrypts with it and execute/start must decrypt with the same one.
export N8N_ENCRYPTION_KEY=${N8N_ENCRYPTION_KEY:-botpenguin-e2e-fixed-encryption-key}
export DB_TYPE=${DB_TYPE:-sqlite}

# Offline and quiet: nothing phones home (the network reaches only package registries anyway).
export N8N_DIAGNOSTICS_ENABLED=false
export N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_TEMPLATES_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
export N8N_LICENSE_AUTO_RENEW_ENABLED=false
export N8N_VERIFIED_PACKAGES_ENABLED=false     # no fetch of the verified-community-nodes list
export N8N_UNVERIFIED_PACKAGES_ENABLED=true     # silences a deprecation notice
# No fetch of api.n8n.io/api/mcp-servers at start (2.x); n8n 1.x has no such module and refuses to start
# when an unknown one is named.
if [ "$E2E_N8N_MAJOR" = 2 ]; then export N8N_DISABLED_MODULES=mcp-registry; else unset N8N_DISABLED_MODULES; fi
export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
export N8N_SECURE_COOKIE=false                  # editor over plain http://127.0.0.1
# The simulator listens on 127.0.0.1: SSRF protection (off by default in 2.41) would block it.
export N8N_SSRF_PROTECTION_ENABLED=false
# Keep "info": `n8n execute --rawOutput` prints its result through the info logger.
export N8N_LOG_LEVEL=${N8N_LOG_LEVEL:-info}
