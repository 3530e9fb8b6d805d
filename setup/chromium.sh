#!/usr/bin/env bash
# Provides Debian's `chromium` for the report's browser test (playwright-core drives it through
# executablePath; no browser download from Playwright's CDN) and prints its path. Idempotent and
# instant when it is there: $CHROMIUM_PATH, else `chromium` on PATH, else `apt-get install chromium`
# (as root, or with passwordless sudo), waiting for another apt that holds the lock. Starts nothing.
set -euo pipefail

runs() { "$1" --version >/dev/null 2>&1; }

if [ -n "${CHROMIUM_PATH:-}" ]; then
  runs "$CHROMIUM_PATH" || { echo "chromium: CHROMIUM_PATH=$CHROMIUM_PATH does not run" >&2; exit 1; }
  echo "$CHROMIUM_PATH"; exit 0
fi
if found=$(command -v chromium 2>/dev/null) && runs "$found"; then echo "$found"; exit 0; fi

command -v apt-get >/dev/null || { echo "chromium: not found and no apt-get here; install Chromium and set CHROMIUM_PATH" >&2; exit 1; }
if [ "$(id -u)" -eq 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else
  echo "chromium: not found; run 'sudo apt-get install chromium' (or set CHROMIUM_PATH) and try again" >&2; exit 1
fi
# Lock::Timeout waits for an apt/dpkg run already in progress instead of failing at once.
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -y -q)
# A fresh image has empty package lists: update only when the install cannot find the package.
"${apt[@]}" install --no-install-recommends chromium || { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends chromium; }
found=$(command -v chromium) && runs "$found" || { echo "chromium: installed, but 'chromium --version' fails" >&2; exit 1; }
echo "$found"
