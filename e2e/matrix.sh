#!/usr/bin/env bash
# The e2e version matrix (what `npm run test:e2e` runs): e2e/run.sh, the same checks, once per n8n version.
#
#   npm run test:e2e                        # n8n 2.41.1 on Node 24, then n8n 1.123.81 on Node 22
#   N8N_E2E_VERSIONS=1 npm run test:e2e     # one of them (keys: e2e/versions.sh)
#
# Each version is installed once into its own folder under N8N_E2E_ROOT (e2e/install.sh). Prints each
# version's check lines, then one summary line per version and "matrix: N passed, M failed" (a version
# whose run ended before its checks counts as one failure).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e/versions.sh
. "$HERE/versions.sh"
VERSIONS=${N8N_E2E_VERSIONS:-$E2E_ALL_VERSIONS}
for key in $VERSIONS; do e2e_use_version "$key"; done # unknown keys fail before anything runs

OUT=$(mktemp -d)
_matrix_end() {
  local rc=$?
  set +e
  rm -rf "$OUT"
  exit "$rc"
}
trap _matrix_end EXIT

T0=$SECONDS
passed=0 failed=0 status=0 summary=()
for key in $VERSIONS; do
  e2e_use_version "$key"
  label="n8n $E2E_N8N_VERSION on Node $E2E_NODE_VERSION"
  echo "=== $label (N8N_E2E_VERSION=$key)"
  t=$SECONDS
  set +e
  N8N_E2E_VERSION=$key bash "$HERE/run.sh" | tee "$OUT/$key.out"
  rc=${PIPESTATUS[0]}
  set -e
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT/$key.out" | tail -1 || true)
  if [ -n "$line" ]; then
    read -r p _ f _ <<<"${line//,/}"
  else
    p=0 f=1 line="ended before its checks (exit $rc)"
  fi
  passed=$((passed + p)) failed=$((failed + f))
  [ "$rc" -eq 0 ] || status=1
  summary+=("$label: $line ($((SECONDS - t)) s)")
done

echo "=== e2e matrix ($((SECONDS - T0)) s)"
printf '%s\n' "${summary[@]}"
echo "matrix: $passed passed, $failed failed"
exit "$status"
