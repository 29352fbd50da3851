#!/usr/bin/env bash
# Fails when the committed dist/ is not what the sources build: rebuilds dist/ in place (skip with
# --no-build when it was just built, as `npm test` does), then compares it with the commit.
# Run it on a clean checkout: the release workflow does, on the tagged commit.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

if [ "${1:-}" != --no-build ]; then
  npm run build
fi

if ! git diff --quiet HEAD -- dist/; then
  echo "dist/ is out of date: run 'npm run build' and commit the result." >&2
  git --no-pager diff --stat HEAD -- dist/ >&2
  exit 1
fi
untracked="$(git ls-files --others --exclude-standard -- dist/)"
if [ -n "$untracked" ]; then
  echo "dist/ has files that are not committed:" >&2
  echo "$untracked" >&2
  exit 1
fi
echo "dist/ matches the sources."
