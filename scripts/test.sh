#!/usr/bin/env bash
# `npm test`: type-check, lint and build at the same time (they are independent; on a small machine
# one waits on I/O while another computes), then Vitest, which runs the freshly built dist/index.js.
# Each step's output is printed whole when it ends; any failure stops before Vitest.
set -uo pipefail
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
steps=(typecheck lint build)
pids=()
for step in "${steps[@]}"; do
  npm run --silent "$step" >"$logs/$step" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!steps[@]}"; do
  if wait "${pids[$i]}"; then status=ok; else status=FAILED; failed=1; fi
  echo "> npm run ${steps[$i]}: $status"
  cat "$logs/${steps[$i]}"
done
if [ "$failed" -ne 0 ]; then exit 1; fi
exec npx vitest run --project unit --project e2e "$@"
