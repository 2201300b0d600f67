#!/usr/bin/env bash
# Queue-mode e2e (what `npm run test:queue` runs): n8n as it is scaled out, a main instance and two workers
# sharing Redis (the queue), PostgreSQL (the database), N8N_ENCRYPTION_KEY and the user folder that holds
# this package as a community package.
#
#   1. install n8n (cached), Debian's redis-server and PostgreSQL when missing (apt-get)
#   2. start a throwaway PostgreSQL cluster (initdb in a temp folder, 127.0.0.1, fsync off) and Redis
#      (127.0.0.1, no persistence), each on a free port
#   3. build + pack + install the package, start the simulators (the trigger's own adds records on request),
#      import the credentials, e2e/queue/*.json and e2e/trigger/*.json
#   4. start two workers (concurrency 1 each, so two jobs at once need both) and main, each with its own
#      task-runner broker port
#   5. activate the workflows through main's REST API (as the editor does), add records to the trigger's
#      simulator; call the three webhooks at the same time: Return All over the contacts, a bulk import
#      of 1,000 contacts, a lead update; fetch each execution from main's REST API
#   6. once main's per-minute poll has emitted the records (executions on the workers), restart main (by
#      PID; the workers keep running), add records while it is down, and wait for its first poll
#   7. e2e/queue-check.mjs: requests on the simulator's log, execution data, which process ran what
#
# On exit (also on failure or Ctrl-C) main and workers stop first, then the simulators, Redis, PostgreSQL,
# each by PID.
#
# Env: N8N_E2E_VERSION (2, the default, or 1), N8N_E2E_ROOT, E2E_KEEP=1 keeps the run folder.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T0=$SECONDS
export N8N_E2E_VERSION=${N8N_E2E_VERSION:-2}
bash "$HERE/install.sh"

# shellcheck source=e2e/lib.sh
. "$HERE/lib.sh"
step() { e2e_log "$(printf '%4ss' $((SECONDS - T0))) $*"; }

# --- system packages (root, or sudo without a password) ---------------------------------------------
apt_install() { # apt_install <package...>
  local sudo=''
  [ "$(id -u)" -eq 0 ] || sudo='sudo -n'
  e2e_log "installing $* (apt-get)"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"; } >/dev/null ||
    e2e_die "could not install $* with apt-get; install it yourself"
}
command -v redis-server >/dev/null || apt_install redis-server
pg_bin() { find /usr/lib/postgresql -mindepth 2 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -1 | xargs -r dirname; }
PG_BIN=${PG_BIN:-$(pg_bin)}
[ -n "$PG_BIN" ] || { apt_install postgresql; PG_BIN=$(pg_bin); }
[ -x "$PG_BIN/initdb" ] || e2e_die "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin"

e2e_new_run "queue-v$N8N_E2E_VERSION"
# Queue mode proper: every n8n process below reads these. Debug logs name every poll ("Poll trigger
# initiated"), so queue-check.mjs can tell which process polled.
export EXECUTIONS_MODE=queue DB_TYPE=postgresdb N8N_LOG_LEVEL=${N8N_LOG_LEVEL:-debug}
# shellcheck source=e2e/env.sh
. "$HERE/env.sh"
step "n8n $E2E_N8N_VERSION on Node $E2E_NODE_VERSION in queue mode, run folder $RUN"

# --- PostgreSQL: a throwaway cluster ----------------------------------------------------------------
# PostgreSQL refuses to run as root: as root the cluster belongs to the postgres user, in a folder of its
# own under /tmp (the run folder may sit in a home directory that user cannot enter).
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/botpenguin-e2e-pg.XXXXXX")
[ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DIR"
PG_PORT=$(e2e_free_port)
stop_postgres() {
  local pid
  pid=$(head -1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    e2e_stop_pid "$pid" 10 # pg_ctl signals this PID; the fallback if it did not stop
  fi
  cp "$PG_DIR/postgres.log" "$RUN/postgres.log" 2>/dev/null || true
  rm -rf "$PG_DIR"
}
e2e_on_cleanup stop_postgres # registered first: runs last, after Redis
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$RUN/initdb.log" 2>&1 ||
  { cat "$RUN/initdb.log" >&2; e2e_die "initdb failed"; }
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >"$RUN/pg_ctl.log" 2>&1 || { cat "$RUN/pg_ctl.log" "$PG_DIR/postgres.log" >&2; e2e_die "PostgreSQL did not start"; }
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres n8n
export DB_POSTGRESDB_HOST=127.0.0.1 DB_POSTGRESDB_PORT=$PG_PORT DB_POSTGRESDB_DATABASE=n8n
export DB_POSTGRESDB_USER=postgres DB_POSTGRESDB_PASSWORD=''
step "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (pid $(head -1 "$PG_DIR/data/postmaster.pid"))"

# --- Redis: no persistence ----------------------------------------------------------------------------
REDIS_PORT=$(e2e_free_port)
setsid redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$RUN" \
  --daemonize no >"$RUN/redis.log" 2>&1 &
REDIS_PID=$!
e2e_on_cleanup 'e2e_stop_pid "$REDIS_PID" 10'
for _ in $(seq 100); do
  [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
  kill -0 "$REDIS_PID" 2>/dev/null || break
  sleep 0.1
done
[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] ||
  { cat "$RUN/redis.log" >&2; e2e_die "Redis did not answer PING"; }
export QUEUE_BULL_REDIS_HOST=127.0.0.1 QUEUE_BULL_REDIS_PORT=$REDIS_PORT
step "Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"

# --- package, simulator, credential, workflows --------------------------------------------------------
e2e_install_package
# Slow pages (20 ms each) keep the Return All execution busy while the other jobs are queued.
e2e_start_simulator --latency 20
e2e_start_trigger_simulator
e2e_import_credentials
mkdir -p "$RUN/queue-workflows" "$RUN/results"
cp "$HERE"/queue/*.json "$RUN/queue-workflows/"
TRIG_BOT_ID=$TRIG_BOT_ID TRIG_CUSTOMER_ID=$TRIG_CUSTOMER_ID \
  node "$HERE/prepare-examples.mjs" "$HERE/trigger" "$RUN/queue-workflows" >"$RUN/trigger-workflows.tsv"
n8n import:workflow --separate --input="$RUN/queue-workflows" >"$RUN/import-workflows.log" 2>&1 ||
  { cat "$RUN/import-workflows.log" >&2; e2e_die "import:workflow failed"; }
step "imported $(ls "$RUN"/queue-workflows/*.json | wc -l) workflows"

# --- workers, then main -------------------------------------------------------------------------------
WORKER_PIDS=() WORKER_HEALTH_PORTS=()
for w in 1 2; do
  hp=$(e2e_free_port)
  e2e_spawn "$RUN/worker$w.log" env N8N_RUNNERS_BROKER_PORT="$(e2e_free_port)" \
    QUEUE_HEALTH_CHECK_ACTIVE=true QUEUE_HEALTH_CHECK_PORT="$hp" n8n worker --concurrency=1
  WORKER_PIDS+=("${E2E_PIDS[-1]}") WORKER_HEALTH_PORTS+=("$hp")
done
e2e_start_n8n
MAIN_PID=$E2E_N8N_PID
echo "main $MAIN_PID" >"$RUN/results/processes.txt"
for w in 1 2; do
  pid=${WORKER_PIDS[w - 1]} hp=${WORKER_HEALTH_PORTS[w - 1]}
  echo "worker$w $pid" >>"$RUN/results/processes.txt"
  ok=''
  for _ in $(seq 180); do
    curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$hp/healthz/readiness" 2>/dev/null && { ok=1; break; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  [ -n "$ok" ] || { tail -30 "$RUN/worker$w.log" >&2; e2e_die "worker $w did not become ready"; }
done
e2e_wait_n8n 180 || e2e_die "main did not become ready (log: $RUN/n8n-start.log)"
e2e_owner_login >/dev/null || e2e_die "could not log in as the owner"
step "main (pid $MAIN_PID) and workers (pids ${WORKER_PIDS[*]}) ready"

e2e_trigger activate "$HERE"/queue/*.json || e2e_die "could not activate the webhook workflows"

# --- the polling trigger: activated on main, records added while it runs ---------------------------------
TRIGGER_WORKFLOWS=()
while IFS=$'\t' read -r _id file _kind _name; do TRIGGER_WORKFLOWS+=("$RUN/queue-workflows/$file"); done <"$RUN/trigger-workflows.tsv"
TRIGGER_RUNNING=''
if e2e_trigger activate "${TRIGGER_WORKFLOWS[@]}" && e2e_trigger add 1 contact 2 && e2e_trigger add 1 lead 2; then
  TRIGGER_RUNNING=1
  step "activated ${#TRIGGER_WORKFLOWS[@]} trigger workflows on main, added 2 contacts and 2 leads"
else
  echo "activating the trigger workflows or adding records failed (see the [e2e] trigger: lines)" >"$RUN/results/trigger.error"
fi

# A production webhook answers a GET on a POST-only path with "did you mean POST" once its workflow is
# active on main; before that, with "not registered".
wait_webhook() { # wait_webhook <path>
  local i
  for i in $(seq 60); do
    curl -sS --max-time 5 "http://127.0.0.1:$N8N_PORT/webhook/$1" 2>/dev/null | grep -qi 'POST request' && return 0
    sleep 1
  done
  e2e_die "webhook $1 was not registered within 60 s"
}
for path in botpenguin-queue-contacts botpenguin-queue-import botpenguin-queue-lead; do wait_webhook "$path"; done

# --- the three jobs, at the same time ------------------------------------------------------------------
# What the simulator holds before anything runs: the contacts Return All must bring back (the import's
# new contacts are created after CUTOFF and filtered out) and a lead to update.
CUTOFF=$(node -e 'console.log(new Date(Date.now() - 1000).toISOString())')
SIM_URL=$SIM_URL SIM_TOKEN=$SIM_TOKEN SIM_BOT_ID=$SIM_BOT_ID SIM_CUSTOMER_ID=$SIM_CUSTOMER_ID \
  node "$HERE/queue-check.mjs" --snapshot "$RUN/results/before.json" || e2e_die "could not read the simulator's data"
LEAD_UUID=$(node -p 'require(process.argv[1]).lead.uuid' "$RUN/results/before.json")
NOTE="queued by e2e/queue.sh $RANDOM"
: >"$SIM_LOG.before" && cp "$SIM_LOG" "$SIM_LOG.before" # requests made so far (the snapshot's own)
sleep 1 # CUTOFF lies before everything the workflows create

hook() { # hook <name> <path> <json body>: POST in the background, answer in results/<name>.response
  curl -sS --max-time 300 -o "$RUN/results/$1.response" -w '%{http_code}' -X POST \
    -H 'content-type: application/json' --data-binary "$3" "http://127.0.0.1:$N8N_PORT/webhook/$2" \
    >"$RUN/results/$1.http" 2>"$RUN/results/$1.curl-err" &
}
t=$SECONDS
hook contacts botpenguin-queue-contacts "{\"createdBefore\":\"$CUTOFF\"}"
HOOK_PIDS=("$!")
hook import botpenguin-queue-import '{"count":1000}'
HOOK_PIDS+=("$!")
hook lead botpenguin-queue-lead "{\"uuid\":\"$LEAD_UUID\",\"botId\":\"$SIM_BOT_ID\",\"customerId\":\"$SIM_CUSTOMER_ID\",\"note\":\"$NOTE\"}"
HOOK_PIDS+=("$!")
for pid in "${HOOK_PIDS[@]}"; do wait "$pid" || true; done # each bounded by curl --max-time
e2e_settle "$SIM_LOG"
step "webhooks answered $(for h in contacts import lead; do printf '%s ' "$(cat "$RUN/results/$h.http")"; done)in $((SECONDS - t)) s"
tail -n +"$(($(wc -l <"$SIM_LOG.before") + 1))" "$SIM_LOG" >"$RUN/results/requests.jsonl"
printf '{"cutoff":"%s","leadUuid":"%s","note":"%s"}\n' "$CUTOFF" "$LEAD_UUID" "$NOTE" >"$RUN/results/inputs.json"

# Each workflow's executions as main's REST API (the editor's execution list) shows them, with their data.
fetch_executions() { # fetch_executions <name> <workflow id>
  local list id
  list=$(e2e_rest GET "/rest/executions?filter=$(node -p 'encodeURIComponent(JSON.stringify({workflowId: process.argv[1]}))' "$2")")
  echo "$list" >"$RUN/results/$1.executions.json"
  for id in $(node -e 'const l=JSON.parse(process.argv[1]).data; for (const e of l.results ?? l) console.log(e.id)' "$list"); do
    e2e_rest GET "/rest/executions/$id" >"$RUN/results/$1.execution-$id.json"
  done
}
fetch_executions contacts bpQueueContacts1
fetch_executions import bpQueueImport001
fetch_executions lead bpQueueLead00001

# --- the trigger across a restart of main (the workers keep running) -------------------------------------
# The records come out of main's per-minute poll (n8n refuses shorter intervals), as executions on the workers.
if [ -n "$TRIGGER_RUNNING" ]; then
  t=$SECONDS
  e2e_trigger wait 1 150 || true
  step "trigger: phase 1 (records added while main runs) waited $((SECONDS - t)) s"
  e2e_stop_spawned "$MAIN_PID" 60
  e2e_trigger_mark stopped
  e2e_trigger add 2 contact 1 && e2e_trigger add 2 lead 1 && e2e_trigger add 2 chat 1 ||
    echo "adding records while main was down failed" >"$RUN/results/trigger.error"
  e2e_trigger_mark started
  e2e_start_n8n "" "$RUN/n8n-start-2.log"
  MAIN_PID=$E2E_N8N_PID
  echo "main-restarted $MAIN_PID" >>"$RUN/results/processes.txt"
  if e2e_wait_n8n 180; then
    step "main restarted (pid $MAIN_PID) on the same database"
    e2e_trigger wait 2 90 || true
  else
    echo "main did not become ready after the restart (see n8n-start-2.log)" >"$RUN/results/trigger.error"
  fi
  step "trigger: restart of main and phase 2 took $((SECONDS - t)) s in all"
fi

# Queue-mode logs name the execution a worker picked up; let the logs settle before they are read.
for f in "$RUN"/worker1.log "$RUN"/worker2.log "$E2E_N8N_LOG"; do e2e_settle "$f"; done
cp "$RUN"/worker1.log "$RUN"/worker2.log "$RUN"/results/
cat "$RUN"/n8n-start.log "$RUN"/n8n-start-2.log >"$RUN"/results/main.log 2>/dev/null || true

step "checking"
set +e
NODE_PATH="$E2E_N8N_DIR/node_modules" node "$HERE/queue-check.mjs" "$RUN"
rc=$?
set -e
step "done"
exit "$rc"
