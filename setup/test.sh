#!/usr/bin/env bash
# Runs every compiled test file with node's built-in runner. The test files name themselves
# (*.test.js): helpers under dist/test/ are not tests. Servers are started by the tests' own
# support code (test/support/servers.ts) in the suite's own home, ports and namespace
# (test/support/test-runtime.ts: $NAS_HOME/test, ports + 1, nas-test), reusing them when they are
# its own; `NAS_HOME=$NAS_HOME/test nas dev down` stops them. Never the servers of `npm run search`.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
[ "${#files[@]}" -gt 0 ] || { echo "no test files under dist/test; run setup/install.sh first" >&2; exit 1; }
exec node --enable-source-maps --test --test-concurrency=1 "$@" "${files[@]}"
