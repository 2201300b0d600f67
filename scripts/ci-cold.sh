#!/usr/bin/env bash
# CI as on a new machine (what `npm run ci:cold` runs): a fresh clone of the committed `main` branch, the
# project's notes (../shared) beside it as CI has them, and brand-new, empty cache folders, so nothing an
# earlier run installed (n8n runtimes, npm packages, run folders) is found. Then `bash .ci/run`.
#
#   npm run ci:cold                 one cold run
#   npm run ci:cold -- --twice      a cold run, then a second (warm) run right after, in the same clone
#
# Env: CI_COLD_BRANCH (default main), CI_COLD_KEEP=1 keeps the scratch folder even when every run passed.
# Only caches move: ~/.npmrc and the machine's apt packages stay what they are.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BRANCH=${CI_COLD_BRANCH:-main}
RUNS=1
[ "${1:-}" = "--twice" ] && RUNS=2

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-ci-cold.XXXX")
log() { echo "[ci:cold] $*" >&2; }
finish() {
  local rc=$?
  set +e
  if [ "$rc" -eq 0 ] && [ -z "${CI_COLD_KEEP:-}" ]; then rm -rf "$WORK"; else log "scratch folder kept: $WORK"; fi
  exit "$rc"
}
trap finish EXIT

git clone --quiet --branch "$BRANCH" "$REPO" "$WORK/main"
if [ -d "$REPO/../shared" ]; then ln -s "$(cd "$REPO/../shared" && pwd)" "$WORK/shared"; fi

export XDG_CACHE_HOME="$WORK/cache"
export npm_config_cache="$WORK/cache/npm"
unset N8N_E2E_ROOT N8N_USER_FOLDER
mkdir -p "$XDG_CACHE_HOME"
log "clone of $BRANCH at $(git -C "$WORK/main" rev-parse --short HEAD) in $WORK/main, caches in $XDG_CACHE_HOME"

for run in $(seq "$RUNS"); do
  t0=$SECONDS
  set +e
  (cd "$WORK/main" && bash .ci/run) 2>&1 | tee "$WORK/run-$run.log"
  rc=${PIPESTATUS[0]}
  set -e
  log "run $run of $RUNS ($([ "$run" -eq 1 ] && echo cold || echo warm)): exit $rc after $((SECONDS - t0)) s"
  [ "$rc" -eq 0 ] || exit "$rc"
done
