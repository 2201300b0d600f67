#!/usr/bin/env bash
# Sandbox (what `npm start` runs): a real n8n with this package installed, talking to the BotPenguin
# simulator, with the examples imported. Stops everything on Ctrl-C.
#
#   1. install n8n + Node 24 into the cache folder (cached)
#   2. build + pack this repo, install it as a community package in $N8N_E2E_ROOT/sandbox/user
#      (persistent: your own workflows and executions survive restarts)
#   3. start a fresh simulator and the fake chat model, (re)import the credentials and examples/*.json
#   4. start n8n on http://127.0.0.1:${N8N_PORT:-5678}, create the demo owner, print URL and login
#
# Env: N8N_PORT (default 5678), OWNER_EMAIL / OWNER_PASSWORD (default demo@example.com / BotPenguin-Demo-1).
# Re-imported on every start (edit copies, not the originals): the examples and the two credentials.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$HERE/install.sh"

export N8N_E2E_ROOT=${N8N_E2E_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-botpenguin-inbox/e2e}
SANDBOX="$N8N_E2E_ROOT/sandbox"
RUN="$SANDBOX/run"                       # logs and scratch files of the current start
rm -rf "$RUN" && mkdir -p "$RUN"
export N8N_USER_FOLDER="$SANDBOX/user"
export N8N_PORT=${N8N_PORT:-5678}
# shellcheck source=e2e/env.sh
. "$HERE/env.sh"
# shellcheck source=e2e/lib.sh
. "$HERE/lib.sh"

if curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$N8N_PORT/"; then
  e2e_die "something already listens on 127.0.0.1:$N8N_PORT (another n8n?); stop it or set N8N_PORT"
fi

trap 'e2e_cleanup' EXIT
trap 'echo; e2e_log "stopping"; exit 0' INT TERM

e2e_install_package
# The simulator's data is in memory: a fresh, deterministic data set on every start.
SIM_MAX_SECONDS=${SIM_MAX_SECONDS:-86400} e2e_start_simulator
e2e_start_fake_model
e2e_log "importing the credentials and the examples"
e2e_import_credentials
e2e_import_examples
e2e_log "starting n8n (about 10 s)"
e2e_start_n8n
e2e_wait_n8n 120 || e2e_die "n8n did not become ready (log: $RUN/n8n-start.log)"
e2e_owner_login >/dev/null || e2e_die "could not log in as $OWNER_EMAIL (log: $RUN/n8n-start.log)"

base="http://127.0.0.1:$N8N_PORT"
cat <<EOF

  n8n sandbox with n8n-nodes-botpenguin-inbox is ready

    Editor     $base
    Login      $OWNER_EMAIL / $OWNER_PASSWORD

    BotPenguin simulator  $SIM_URL   (token $SIM_TOKEN; bot $SIM_BOT_ID, customer $SIM_CUSTOMER_ID)
    Credential            "$CREDENTIAL_NAME" points at it; "$FAKE_MODEL_CREDENTIAL_NAME" is a scripted chat model
    Examples:
EOF
while IFS=$'\t' read -r id file _kind _name; do
  printf '      %-32s %s/workflow/%s\n' "$file" "$base" "$id"
done <"$RUN/workflows.tsv"
cat <<EOF

    State: $N8N_USER_FOLDER   Logs: $RUN
    Press Ctrl-C to stop n8n and the simulator.

EOF

# Keep running until Ctrl-C or until n8n exits on its own.
wait "$E2E_N8N_PID" || true
e2e_log "n8n exited (log: $RUN/n8n-start.log)"
