# shellcheck shell=bash
# Shared steps of e2e/run.sh, e2e/start.sh and e2e/ui.sh (functions and constants only, so it can be sourced
# before or after e2e/env.sh).
# Every function logs to stderr and keeps its files under $RUN (the caller's scratch folder).

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$E2E_DIR/.." && pwd)
PKG_NAME=n8n-nodes-botpenguin-inbox
CREDENTIAL_ID=bpE2eCredential01
CREDENTIAL_NAME='BotPenguin Inbox (simulator)'
OWNER_EMAIL=${OWNER_EMAIL:-demo@example.com}
OWNER_PASSWORD=${OWNER_PASSWORD:-BotPenguin-Demo-1}

e2e_log() { echo "[e2e] $*" >&2; }
e2e_die() { echo "[e2e] ERROR: $*" >&2; exit 1; }

# A fresh scratch folder for one headless run (run.sh, ui.sh): sets RUN and N8N_USER_FOLDER. On exit,
# everything the run started is stopped and the folder removed, unless the run failed or E2E_KEEP is
# set; at most the five newest kept folders of that kind stay. Call it before sourcing env.sh.
e2e_new_run() { # e2e_new_run <kind>
  E2E_RUN_KIND=$1
  export N8N_E2E_ROOT=${N8N_E2E_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-botpenguin-inbox/e2e}
  mkdir -p "$N8N_E2E_ROOT/runs"
  RUN=$(mktemp -d "$N8N_E2E_ROOT/runs/$E2E_RUN_KIND-$(date +%Y%m%d-%H%M%S).XXXX")
  export N8N_USER_FOLDER="$RUN/user"
  trap _e2e_end_run EXIT
  trap 'exit 130' INT TERM
}
# The exit status is the run's own: nothing in this cleanup may change it (under `set -e` a failing
# command in an EXIT trap would become the script's status), so errors here are ignored and the trap
# ends with an explicit `exit "$rc"`.
_e2e_end_run() {
  local rc=$?
  set +e
  e2e_cleanup
  if [ "$rc" -eq 0 ] && [ -z "${E2E_KEEP:-}" ]; then rm -rf "$RUN"; else e2e_log "run folder kept: $RUN"; fi
  e2e_prune_runs "$E2E_RUN_KIND" 5
  exit "$rc"
}

# Keep the <keep> newest run folders of one kind and remove the others. Matching nothing is not an error
# (find, not a glob that may match nothing).
e2e_prune_runs() { # e2e_prune_runs <kind> <keep>
  find "$N8N_E2E_ROOT/runs" -mindepth 1 -maxdepth 1 -type d -name "$1-*" -printf '%T@ %p\n' 2>/dev/null |
    sort -rn | tail -n +"$(($2 + 1))" | cut -d' ' -f2- | xargs -r -d '\n' rm -rf
  return 0
}

# Processes started through e2e_spawn; e2e_cleanup stops them (call it from an EXIT trap), then runs the
# stop commands registered with e2e_on_cleanup, the last registered first: services the processes depend
# on (queue.sh: Redis, then PostgreSQL) go down after them.
E2E_PIDS=()
E2E_STOPS=()
e2e_spawn() { # e2e_spawn <logfile> <cmd...>: background process in its own process group
  local out=$1; shift
  setsid "$@" >"$out" 2>&1 &
  E2E_PIDS+=("$!")
}
e2e_on_cleanup() { E2E_STOPS+=("$*"); } # e2e_on_cleanup <shell command>
# Stop one process group by PID: TERM, up to <seconds> (default 10) to exit, then KILL.
e2e_stop_pid() { # e2e_stop_pid <pid> [seconds]
  local i
  kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null || return 0
  for i in $(seq $((${2:-10} * 10))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null || kill -KILL "$1" 2>/dev/null || true
}
# Stop one process that e2e_spawn started (e2e_stop_pid) and drop it from the cleanup list.
e2e_stop_spawned() { # e2e_stop_spawned <pid> [seconds]
  local keep=() pid
  e2e_stop_pid "$1" "${2:-10}"
  for pid in "${E2E_PIDS[@]}"; do [ "$pid" = "$1" ] || keep+=("$pid"); done
  E2E_PIDS=("${keep[@]}")
}
e2e_cleanup() {
  local pid i
  for pid in "${E2E_PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true       # the whole group: n8n's task runner, tsx's child
  done
  for pid in "${E2E_PIDS[@]}"; do
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  E2E_PIDS=()
  for ((i = ${#E2E_STOPS[@]} - 1; i >= 0; i--)); do eval "${E2E_STOPS[i]}" || true; done
  E2E_STOPS=()
}

# Wait (0.4 s to 3 s) until a log file has stopped growing.
e2e_settle() {
  local i last='' now
  for i in $(seq 30); do
    now=$(wc -c <"$1")
    [ "$now" = "$last" ] && [ "$i" -gt 3 ] && return 0
    last=$now
    sleep 0.1
  done
}

# Build the repo, `npm pack` it and unpack the tarball where n8n keeps community packages
# ($N8N_USER_FOLDER/.n8n/nodes/node_modules/<name>), as n8n's own installer does.
# Runs with the caller's original PATH (the repo's Node), not Node 24.
e2e_install_package() {
  local dest="$N8N_USER_FOLDER/.n8n/nodes/node_modules/$PKG_NAME" tgz
  e2e_log "building and packing $PKG_NAME"
  mkdir -p "$RUN/pack"
  # One build at a time: run.sh, ui.sh and start.sh all rebuild the same dist/ (a build cleans it first).
  tgz=$( # (a failing subshell ends the script: set -e)
    cd "$REPO_DIR" || exit 1
    exec 8>"$N8N_E2E_ROOT/.build.lock"
    flock -w 600 8 || e2e_die "another e2e build holds $N8N_E2E_ROOT/.build.lock"
    if ! PATH=$E2E_ORIG_PATH npm run --silent build >"$RUN/build.log" 2>&1; then
      # n8n-node build hides the compiler's messages: show them.
      PATH=$E2E_ORIG_PATH ./node_modules/.bin/tsc -p tsconfig.json --noEmit 2>&1 | tail -30 >&2 || true
      e2e_die "npm run build failed (log: $RUN/build.log)"
    fi
    PATH=$E2E_ORIG_PATH npm pack --silent --pack-destination "$RUN/pack" 2>"$RUN/pack.log" | tail -1
  )
  [ -f "$RUN/pack/$tgz" ] || { cat "$RUN/pack.log" >&2; e2e_die "npm pack produced no tarball"; }
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xzf "$RUN/pack/$tgz" -C "$dest" --strip-components=1
  # n8n also writes this manifest when it installs a package from the UI.
  [ -f "$N8N_USER_FOLDER/.n8n/nodes/package.json" ] ||
    echo '{"name":"installed-nodes","private":true}' >"$N8N_USER_FOLDER/.n8n/nodes/package.json"
  # Runtime dependencies (none today) would be installed the way n8n does it.
  if node -e 'process.exit(Object.keys(require(process.argv[1]).dependencies||{}).length?0:1)' "$dest/package.json"; then
    (cd "$dest" && npm install --omit=dev --omit=peer --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
  e2e_log "installed $tgz into $dest"
}

# Start the BotPenguin simulator on a free port; sets SIM_URL SIM_TOKEN SIM_BOT_ID SIM_CUSTOMER_ID.
# Every request it receives is appended as a JSON line to $SIM_LOG. Extra arguments go to
# test/simulator/cli.ts (--contacts N, --latency MS, ...).
e2e_start_simulator() {
  export SIM_LOG=${SIM_LOG:-$RUN/sim-requests.jsonl}
  e2e_spawn_simulator simulator SIM "$SIM_LOG" "$@"
}
# The trigger checks' own simulator, with the test-only route that adds records while n8n polls
# (--admin 1): sets TRIG_URL TRIG_TOKEN TRIG_BOT_ID TRIG_CUSTOMER_ID TRIG_LOG. Only the trigger
# workflows talk to it, so its request log is theirs alone.
e2e_start_trigger_simulator() {
  export TRIG_LOG=$RUN/trigger-sim-requests.jsonl
  e2e_spawn_simulator trigger-simulator TRIG "$TRIG_LOG" --admin 1 "$@"
}
# e2e_spawn_simulator <name> <VAR PREFIX> <request log> [cli args]: $RUN/<name>.out, $RUN/<name>.json
e2e_spawn_simulator() {
  local name=$1 prefix=$2 log=$3 i line=''
  shift 3
  : >"$log"
  [ -f "$REPO_DIR/test/simulator/cli.ts" ] || e2e_die "test/simulator/cli.ts not found"
  e2e_spawn "$RUN/$name.out" env PATH="$E2E_ORIG_PATH" SIM_LOG="$log" "$REPO_DIR/node_modules/.bin/tsx" \
    "$REPO_DIR/test/simulator/cli.ts" --port 0 --max-seconds "${SIM_MAX_SECONDS:-900}" "$@"
  for i in $(seq 150); do # up to 30 s (tsx compiles on first start)
    line=$(grep -m1 '^{' "$RUN/$name.out" 2>/dev/null || true)
    [ -n "$line" ] && break
    kill -0 "${E2E_PIDS[-1]}" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$line" ] || { cat "$RUN/$name.out" >&2; e2e_die "$name did not print its JSON line"; }
  echo "$line" >"$RUN/$name.json"
  eval "$(node -e '
    const [line, p] = process.argv.slice(1);
    const s = JSON.parse(line);
    const q = (v) => "\x27" + String(v ?? "").replace(/\x27/g, "\x27\\\x27\x27") + "\x27";
    console.log(`${p}_URL=${q(s.url)} ${p}_TOKEN=${q(s.token)} ${p}_BOT_ID=${q(s.botId)} ${p}_CUSTOMER_ID=${q(s.customerId)}`);
  ' "$line" "$prefix")"
  local url="${prefix}_URL" token="${prefix}_TOKEN"
  if [ -z "${!url}" ] || [ -z "${!token}" ]; then e2e_die "$name JSON line lacks url/token: $line"; fi
  export "${prefix}_URL" "${prefix}_TOKEN" "${prefix}_BOT_ID" "${prefix}_CUSTOMER_ID"
  local bot="${prefix}_BOT_ID" customer="${prefix}_CUSTOMER_ID"
  e2e_log "$name at ${!url} (bot ${!bot}, customer ${!customer})"
}

# A scripted OpenAI-compatible model (e2e/fake-openai.mjs) for the AI Agent example; sets FAKE_OPENAI_URL.
FAKE_MODEL_CREDENTIAL_ID=bpE2eFakeModel001
FAKE_MODEL_CREDENTIAL_NAME='Fake OpenAI model (e2e)'
export FAKE_MODEL_CREDENTIAL_ID FAKE_MODEL_CREDENTIAL_NAME
e2e_start_fake_model() {
  export FAKE_OPENAI_LOG=${FAKE_OPENAI_LOG:-$RUN/fake-openai-requests.jsonl}
  : >"$FAKE_OPENAI_LOG"
  e2e_spawn "$RUN/fake-openai.out" node "$E2E_DIR/fake-openai.mjs"
  local i
  FAKE_OPENAI_URL=''
  for i in $(seq 50); do
    FAKE_OPENAI_URL=$(node -e 'try{console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8").split("\n")[0]).url)}catch{}' "$RUN/fake-openai.out")
    [ -n "$FAKE_OPENAI_URL" ] && break
    sleep 0.1
  done
  [ -n "$FAKE_OPENAI_URL" ] || { cat "$RUN/fake-openai.out" >&2; e2e_die "fake model did not start"; }
  export FAKE_OPENAI_URL
}

# Import the credentials the examples use: BotPenguin → the simulator, OpenAI → the fake model, and
# (when the trigger simulator runs) BotPenguin → the trigger simulator.
TRIGGER_CREDENTIAL_ID=bpE2eTriggerCred1
TRIGGER_CREDENTIAL_NAME='BotPenguin Inbox (trigger simulator)'
export TRIGGER_CREDENTIAL_ID TRIGGER_CREDENTIAL_NAME
e2e_import_credentials() {
  node -e '
    const [id, name, token, url, modelId, modelName, modelUrl, trigId, trigName, trigToken, trigUrl, out] = process.argv.slice(1);
    const creds = [{ id, name, type: "botPenguinInboxApi", data: { apiToken: token, baseUrl: url } }];
    if (modelUrl) creds.push({ id: modelId, name: modelName, type: "openAiApi", data: { apiKey: "sk-fake-e2e", url: modelUrl } });
    if (trigUrl) creds.push({ id: trigId, name: trigName, type: "botPenguinInboxApi", data: { apiToken: trigToken, baseUrl: trigUrl } });
    require("fs").writeFileSync(out, JSON.stringify(creds, null, 2));
  ' "$CREDENTIAL_ID" "$CREDENTIAL_NAME" "$SIM_TOKEN" "$SIM_URL" \
    "$FAKE_MODEL_CREDENTIAL_ID" "$FAKE_MODEL_CREDENTIAL_NAME" "${FAKE_OPENAI_URL:-}" \
    "$TRIGGER_CREDENTIAL_ID" "$TRIGGER_CREDENTIAL_NAME" "${TRIG_TOKEN:-}" "${TRIG_URL:-}" "$RUN/credentials.json"
  n8n import:credentials --input="$RUN/credentials.json" >"$RUN/import-credentials.log" 2>&1 ||
    { cat "$RUN/import-credentials.log" >&2; e2e_die "import:credentials failed"; }
}

# Copy examples/*.json (and the workflows of any further folder given) to $RUN/workflows adapted to the
# simulators and the fake model (see e2e/prepare-examples.mjs; $RUN/workflows.tsv lists them), then
# import them all in one go.
e2e_import_examples() { # e2e_import_examples [folder...]
  local src
  : >"$RUN/workflows.tsv"
  for src in "$REPO_DIR/examples" "$@"; do
    SIM_BOT_ID=$SIM_BOT_ID SIM_CUSTOMER_ID=$SIM_CUSTOMER_ID TRIG_BOT_ID=${TRIG_BOT_ID:-} TRIG_CUSTOMER_ID=${TRIG_CUSTOMER_ID:-} \
      node "$E2E_DIR/prepare-examples.mjs" "$src" "$RUN/workflows" >>"$RUN/workflows.tsv"
  done
  n8n import:workflow --separate --input="$RUN/workflows" >"$RUN/import-workflows.log" 2>&1 ||
    { cat "$RUN/import-workflows.log" >&2; e2e_die "import:workflow failed"; }
}
# e2e_trigger <activate|add|wait> <args>: e2e/trigger.mjs against the running n8n and the trigger simulator.
e2e_trigger() {
  local cmd=$1 rc=0
  shift
  mkdir -p "$RUN/results"
  # (set -o pipefail: the status is node's, not sed's)
  N8N_PORT=$N8N_PORT OWNER_EMAIL=$OWNER_EMAIL OWNER_PASSWORD=$OWNER_PASSWORD TRIG_URL=$TRIG_URL \
    NODE_PATH="$E2E_N8N_DIR/node_modules" node "$E2E_DIR/trigger.mjs" "$cmd" "$RUN" "$@" 2>&1 |
    sed 's/^/[e2e]   trigger: /' >&2 || rc=$?
  return "$rc"
}
# Notes a stop or start of n8n for trigger-checks.mjs: e2e_trigger_mark <stopped|started>
e2e_trigger_mark() {
  echo "{\"event\":\"$1\",\"at\":\"$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)\"}" >>"$RUN/results/trigger-restart.jsonl"
}

# Start `n8n start` (editor + REST API) in the background on $N8N_PORT with its own broker port;
# sets E2E_N8N_PID and E2E_N8N_LOG (default $RUN/n8n-start.log; a restart passes another name).
e2e_start_n8n() { # e2e_start_n8n [broker port] [log file]
  local broker=${1:-$(e2e_free_port)}
  E2E_N8N_LOG=${2:-$RUN/n8n-start.log}
  e2e_spawn "$E2E_N8N_LOG" env N8N_RUNNERS_BROKER_PORT="$broker" n8n start
  E2E_N8N_PID=${E2E_PIDS[-1]}
}

# Wait (bounded, <seconds> tries of ~1 s) until n8n answers /healthz/readiness and its REST API: n8n 1.x
# reports ready before its REST routes exist, so /rest/settings must answer 200 as well.
e2e_wait_n8n() { # e2e_wait_n8n [seconds] [pid] [log]
  local i pid=${2:-$E2E_N8N_PID} log=${3:-${E2E_N8N_LOG:-$RUN/n8n-start.log}} base="http://127.0.0.1:$N8N_PORT"
  for i in $(seq "${1:-120}"); do
    curl -fsS --max-time 5 -o /dev/null "$base/healthz/readiness" 2>/dev/null &&
      curl -fsS --max-time 5 -o /dev/null "$base/rest/settings" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { tail -30 "$log" >&2; return 1; }
    sleep 1
  done
  tail -30 "$log" >&2
  return 1
}

# Create the owner account (first run) and log in; the session cookie goes to $RUN/cookies.txt.
E2E_BROWSER_ID=botpenguin-e2e-browser
e2e_owner_login() {
  local base="http://127.0.0.1:$N8N_PORT"
  curl -sS --max-time 30 -o "$RUN/owner-setup.json" -X POST "$base/rest/owner/setup" -H 'content-type: application/json' \
    -d "{\"email\":\"$OWNER_EMAIL\",\"firstName\":\"Demo\",\"lastName\":\"Owner\",\"password\":\"$OWNER_PASSWORD\"}" || true
  curl -fsS --max-time 30 -o "$RUN/login.json" -c "$RUN/cookies.txt" -X POST "$base/rest/login" \
    -H 'content-type: application/json' -H "browser-id: $E2E_BROWSER_ID" \
    -d "{\"emailOrLdapLoginId\":\"$OWNER_EMAIL\",\"password\":\"$OWNER_PASSWORD\"}"
}

# Authenticated REST call: e2e_rest <METHOD> <path> [json-body]; prints the response body.
e2e_rest() {
  local args=(-sS --max-time 60 -b "$RUN/cookies.txt" -H "browser-id: $E2E_BROWSER_ID" -X "$1" "http://127.0.0.1:$N8N_PORT$2")
  [ $# -ge 3 ] && args+=(-H 'content-type: application/json' --data-binary "$3")
  curl "${args[@]}"
}
