#!/usr/bin/env bash
# Editor UI check in a real n8n (what `npm run test:ui` runs): headless Chromium opens the node's parameter
# panel for every resource and checks the fields a user sees (e2e/ui-check.mjs). Screenshots go to
# e2e/screenshots/ (git-ignored).
#
# Needs Debian's chromium; installed with apt-get when missing (root, or sudo without a password).
# Env: N8N_E2E_ROOT (cache folder), E2E_KEEP=1 keeps the run folder.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T0=$SECONDS
bash "$HERE/install.sh"

if ! command -v "${CHROMIUM:-chromium}" >/dev/null; then
  echo "[e2e] installing Debian's chromium (apt-get)" >&2
  SUDO=''
  [ "$(id -u)" -eq 0 ] || SUDO='sudo -n'
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null ||
    { echo "[e2e] ERROR: could not install chromium; install it (apt-get install chromium) or set CHROMIUM" >&2; exit 1; }
fi

# shellcheck source=e2e/lib.sh
. "$HERE/lib.sh"
e2e_new_run ui
# shellcheck source=e2e/env.sh
. "$HERE/env.sh"

e2e_install_package
e2e_start_simulator
e2e_start_fake_model
e2e_import_credentials
e2e_import_examples
sed -e "s/YOUR_BOT_ID/$SIM_BOT_ID/g" -e "s/YOUR_CUSTOMER_ID/$SIM_CUSTOMER_ID/g" "$E2E_DIR/ui-workflow.json" >"$RUN/ui-workflow.json"
n8n import:workflow --input="$RUN/ui-workflow.json" >"$RUN/import-ui-workflow.log" 2>&1 ||
  { cat "$RUN/import-ui-workflow.log" >&2; e2e_die "import of e2e/ui-workflow.json failed"; }
e2e_start_n8n
e2e_wait_n8n 120 || e2e_die "n8n did not become ready (log: $RUN/n8n-start.log)"
e2e_owner_login >/dev/null || e2e_die "could not create/log in the owner"
e2e_log "$((SECONDS - T0)) s: n8n ready on :$N8N_PORT, driving chromium"

mkdir -p "$E2E_DIR/screenshots"
set +e
N8N_URL="http://127.0.0.1:$N8N_PORT" OWNER_EMAIL=$OWNER_EMAIL OWNER_PASSWORD=$OWNER_PASSWORD \
  SCREENSHOTS="$E2E_DIR/screenshots" SIM_URL=$SIM_URL SIM_TOKEN=$SIM_TOKEN \
  timeout 600 node "$E2E_DIR/ui-check.mjs"
rc=$?
set -e
e2e_log "$((SECONDS - T0)) s: done"
exit "$rc"
