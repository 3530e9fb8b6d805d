#!/usr/bin/env bash
# The one set-up the README's commands call: node packages, the tfjs-node binding (and, with
# NAS_BACKEND=gpu, the tfjs-node-gpu one), the temporal CLI, then the TypeScript build into dist/.
# Idempotent; one line per step. It starts no server (that is `nas dev up`). With --test (npm test,
# CI) it also provides Debian's chromium for the report's browser test, the one system-wide package;
# a search alone never installs it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
logs="${NAS_HOME:-$here/.nas}/logs"
mkdir -p "$logs"
cd "$here"

# Runs a step with its output in a log; prints its last line, or the log's tail and stops on failure.
step() {
  local name=$1; shift
  local log="$logs/install-$name.log"
  if "$@" >"$log" 2>&1; then
    local last; last=$(tail -n 1 "$log")
    echo "install: $name: ${last#"$name: "}"
  else
    local code=$?
    echo "install: step '$name' FAILED (exit $code): $*" >&2
    echo "---- last lines of $log ----" >&2
    tail -n 40 "$log" >&2
    exit "$code"
  fi
}

# npm ci wipes node_modules (and the tfjs-node binding built into it): only when the lock changed.
# It runs only the install scripts that package.json's allowScripts approves.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step npm-ci npm ci --no-audit --no-fund
else
  echo "install: npm-ci: node_modules matches package-lock.json"
fi
step tfjs-node bash setup/tfjs-node.sh
# The GPU backend is opt-in (about 3.4 GB of wheels, 5 GB unpacked, into $NAS_HOME/gpu): only for NAS_BACKEND=gpu.
if [ "${NAS_BACKEND:-}" = "gpu" ]; then step tfjs-node-gpu bash setup/tfjs-node-gpu.sh; fi
step temporal-cli bash setup/temporal-cli.sh
if [ "${1:-}" = "--test" ]; then step chromium bash setup/chromium.sh; fi
# A clean build: no compiled file of a deleted source (an old test, say) survives in dist/.
step build bash -c 'rm -rf dist && npx tsc -p . && echo "compiled into dist/"'
