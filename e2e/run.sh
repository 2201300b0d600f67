#!/usr/bin/env bash
# End-to-end test in one real n8n of the version matrix (`npm run test:e2e` runs e2e/matrix.sh, which
# runs this once per version).
#
#   1. install that n8n and its Node into the cache folder (cached: seconds when already there)
#   2. build + `npm pack` this repo and install the tarball as a community package in a fresh n8n user folder
#   3. start the BotPenguin simulator, import a credential pointing at it and every examples/*.json
#   4. `n8n execute` each example headless, keeping its output and the requests the simulator saw
#   5. `n8n start` runs meanwhile: the polling-trigger workflows (e2e/trigger/*.json, and any example that
#      starts with the trigger) are activated in it before the examples run, and records are added to a
#      second simulator (the trigger's); the credential is tested through POST /rest/credentials/test
#      (what the editor's "Test" button calls) with the right and a wrong token, and the Segments dropdown
#      is loaded through POST /rest/dynamic-node-parameters/options (what the editor calls to fill it)
#   6. once n8n's per-minute poll has emitted those records, n8n is stopped (by PID), more records are
#      added, and n8n is started again on the same database: its first poll must emit just those
#   7. e2e/check.mjs asserts on all of it and prints one line per check, then "N passed, M failed"
#
# Env: N8N_E2E_VERSION (2 = n8n 2.x, the default, or 1 = n8n 1.x; see e2e/versions.sh),
#      N8N_E2E_ROOT (cache folder), E2E_KEEP=1 keeps the run folder even when everything passed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T0=$SECONDS
bash "$HERE/install.sh"

# shellcheck source=e2e/lib.sh
. "$HERE/lib.sh"
e2e_new_run "e2e-v${N8N_E2E_VERSION:-2}"
# shellcheck source=e2e/env.sh
. "$HERE/env.sh"

step() { e2e_log "$(printf '%4ss' $((SECONDS - T0))) $*"; }

step "n8n $E2E_N8N_VERSION on Node $E2E_NODE_VERSION, run folder $RUN"
e2e_install_package
e2e_start_simulator
e2e_start_trigger_simulator
e2e_start_fake_model
step "importing the credentials, $(ls "$REPO_DIR"/examples/*.json | wc -l) examples and $(ls "$HERE"/trigger/*.json | wc -l) trigger workflows"
e2e_import_credentials
e2e_import_examples "$HERE/trigger"
mkdir -p "$RUN/results"
# Workflows started by the polling trigger (e2e/trigger/*.json and such examples) are activated in n8n
# start; check.mjs finds such an example's executions through its marker. An example's Test workflow path
# (its Manual Trigger) runs with `n8n execute` like the other examples (prepare-examples.mjs).
ACTIVE_WORKFLOWS=()
while IFS=$'\t' read -r id file kind name; do
  [ "$kind" = active ] || continue
  ACTIVE_WORKFLOWS+=("$RUN/workflows/$file")
  [ ! -f "$REPO_DIR/examples/$name.json" ] || echo "$id" >"$RUN/results/$name.active"
done <"$RUN/workflows.tsv"

# n8n start (editor, REST API, pollers) on the same sqlite DB as the `n8n execute` runs, own broker port.
e2e_start_n8n
N8N_UP='' TRIGGER_RUNNING=''
if e2e_wait_n8n 120; then
  step "n8n start ready on :$N8N_PORT"
  if e2e_owner_login >/dev/null 2>"$RUN/results/login.err"; then
    N8N_UP=1
    # Activated first, so that n8n's per-minute poll comes round while the examples run.
    if e2e_trigger activate "${ACTIVE_WORKFLOWS[@]}" &&
      e2e_trigger add 1 contact 2 && e2e_trigger add 1 lead 2; then
      TRIGGER_RUNNING=1
      step "activated ${#ACTIVE_WORKFLOWS[@]} trigger workflows, added 2 contacts and 2 leads"
    else
      echo "activating the trigger workflows or adding records failed (see the [e2e] trigger: lines)" >"$RUN/results/trigger.error"
    fi
  else
    echo "login failed: $(cat "$RUN/login.json" "$RUN/results/login.err" 2>/dev/null)" >"$RUN/results/credential-test.error"
  fi
else
  echo "n8n start did not become ready within 120 s (see n8n-start.log)" >"$RUN/results/credential-test.error"
fi
[ -n "$N8N_UP" ] || cp "$RUN/results/credential-test.error" "$RUN/results/trigger.error"

while IFS=$'\t' read -r id file kind name; do
  [ "$kind" = manual ] || continue
  t=$SECONDS
  for attempt in 1 2; do
    before=$(wc -l <"$SIM_LOG")
    set +e
    timeout 180 n8n execute --id="$id" --rawOutput >"$RUN/results/$name.stdout" 2>"$RUN/results/$name.stderr"
    rc=$?
    set -e
    # Run once more (check.mjs names the retry) when n8n's CLI died of a signal (139: SIGSEGV, seen with
    # 2.41.1 while it exits, after printing a complete result) or found the sqlite file locked by n8n start
    # (SQLITE_BUSY: both processes share one sqlite DB, and n8n start saves the trigger's executions).
    if [ "$attempt" = 2 ] || { { [ "$rc" -lt 128 ] || [ "$rc" -eq 137 ]; } &&
      ! { [ "$rc" -ne 0 ] && grep -q SQLITE_BUSY "$RUN/results/$name.stdout" "$RUN/results/$name.stderr"; }; }; then
      break
    fi
    echo "$rc" >"$RUN/results/$name.retried"
    e2e_log "n8n execute of $name ended with exit code $rc (a signal or SQLITE_BUSY): running it once more"
    e2e_settle "$SIM_LOG"
  done
  echo "$rc" >"$RUN/results/$name.rc"
  # --rawOutput still prints log lines around the run's JSON (before it, and sometimes the task runner's
  # "Registered runner" after it): the JSON is the pretty-printed block from a line "{" to a line "}".
  sed -n '/^{$/,/^}$/p' "$RUN/results/$name.stdout" >"$RUN/results/$name.json"
  e2e_settle "$SIM_LOG" # the simulator appends its log lines asynchronously
  tail -n +"$((before + 1))" "$SIM_LOG" >"$RUN/results/$name.requests.jsonl"
  step "executed $name (id $id): rc=$rc, $(wc -l <"$RUN/results/$name.requests.jsonl") requests, $((SECONDS - t)) s"
done <"$RUN/workflows.tsv"

# Credential test through the REST API, as the editor's "Test" button does it. id "" = a credential the
# owner has typed but not saved yet; the stored one is sent back with its secrets redacted, as the editor does.
# n8n 1.x tests saved credentials only (403 for id ""): its editor saves first, so the typed data goes with
# the saved credential's id.
cred_test() { # cred_test <result-file> <token> [base-url]
  local body id=''
  [ "$E2E_N8N_MAJOR" = 2 ] || id=$CREDENTIAL_ID
  body=$(node -e '
    const [id, name, url, token] = process.argv.slice(1);
    console.log(JSON.stringify({ credentials: { id, name, type: "botPenguinInboxApi", data: { apiToken: token, baseUrl: url } } }));
  ' "$id" "$CREDENTIAL_NAME" "${3:-$SIM_URL}" "$2")
  e2e_rest POST /rest/credentials/test "$body" >"$RUN/results/$1" 2>&1 || true
}
cred_test_stored() { # cred_test_stored <result-file>
  local stored body
  stored=$(e2e_rest GET "/rest/credentials/$CREDENTIAL_ID?includeData=true")
  echo "$stored" >"$RUN/results/credential-stored.json"
  body=$(node -e '
    const c = JSON.parse(process.argv[1]).data;
    console.log(JSON.stringify({ credentials: { id: c.id, name: c.name, type: c.type, data: c.data } }));
  ' "$stored") || return 0
  e2e_rest POST /rest/credentials/test "$body" >"$RUN/results/$1" 2>&1 || true
}
# The contact → Get Many "Segment Names or IDs" dropdown, loaded as the editor loads it; the simulator's
# own answer (fetched directly) is what it must list.
segments_dropdown() {
  local body
  body=$(node -e '
    const [id, name] = process.argv.slice(1);
    console.log(JSON.stringify({
      nodeTypeAndVersion: { name: "n8n-nodes-botpenguin-inbox.botPenguinInbox", version: 1 },
      path: "filters.segments",
      methodName: "getSegments",
      currentNodeParameters: { resource: "contact", operation: "getAll", returnAll: true, filters: { segments: [] } },
      credentials: { botPenguinInboxApi: { id, name } },
    }));
  ' "$CREDENTIAL_ID" "$CREDENTIAL_NAME")
  e2e_rest POST /rest/dynamic-node-parameters/options "$body" >"$RUN/results/segments-dropdown.json" 2>&1 || true
  curl -sS --max-time 30 -H "Authorization: Bearer $SIM_TOKEN" -H 'authtype: Key' "$SIM_URL/inbox/segments" \
    >"$RUN/results/segments-simulator.json" 2>&1 || true
}
if [ -n "$N8N_UP" ]; then
  cred_test credential-test-ok.json "$SIM_TOKEN"
  cred_test credential-test-wrong.json "wrong-token-$RANDOM"
  # Plain http to an address that is not "localhost" (an IPv4-mapped IPv6 form of the simulator's).
  cred_test credential-test-http.json "$SIM_TOKEN" "${SIM_URL/127.0.0.1/[::ffff:127.0.0.1]}"
  cred_test_stored credential-test-stored.json
  segments_dropdown
fi

# The trigger across a restart. n8n refuses poll intervals under a minute: the records added after
# activation come out of the per-minute poll (up to 60 s after activation, plus the poll itself).
if [ -n "$TRIGGER_RUNNING" ]; then
  t=$SECONDS
  e2e_trigger wait 1 150 || true
  step "trigger: phase 1 (records added while n8n runs) waited $((SECONDS - t)) s"
  e2e_stop_spawned "$E2E_N8N_PID" 60
  e2e_trigger_mark stopped
  e2e_trigger add 2 contact 1 && e2e_trigger add 2 lead 1 && e2e_trigger add 2 chat 1 ||
    echo "adding records while n8n was down failed" >"$RUN/results/trigger.error"
  e2e_trigger_mark started
  e2e_start_n8n "" "$RUN/n8n-start-2.log"
  if e2e_wait_n8n 120; then
    step "n8n restarted on the same database"
    # n8n activates the workflows when it starts, and the activation runs a poll at once.
    e2e_trigger wait 2 90 || true
  else
    echo "n8n did not become ready after the restart (see n8n-start-2.log)" >"$RUN/results/trigger.error"
  fi
  step "trigger: restart and phase 2 took $((SECONDS - t)) s in all"
fi
e2e_cleanup

step "checking"
set +e
NODE_PATH="$E2E_N8N_DIR/node_modules" node "$HERE/check.mjs" "$RUN"
rc=$?
set -e
step "done"
exit "$rc"
