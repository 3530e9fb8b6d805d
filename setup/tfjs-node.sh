#!/usr/bin/env bash
# Makes `require('@tensorflow/tfjs-node')` work. First the package's own install (it downloads
# libtensorflow 2.9.1 from Google's storage); where that host is out of reach, the binding is built
# against the TensorFlow C library inside PyPI's tensorflow-cpu wheel. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=setup/libtensorflow.sh
. "$here/setup/libtensorflow.sh"
pkg="$here/node_modules/@tensorflow/tfjs-node"
cache="${NAS_HOME:-$here/.nas}/cache"
TF_WHEEL_VERSION=2.21.0 # exports every TF_*/TFE_* symbol tfjs-node 4.22 binds (checked by the load below)

loads() { (cd "$here" && node -e "require('@tensorflow/tfjs-node')" >/dev/null 2>&1); }

mkdir -p "$cache"
# install.js shells out to node-pre-gyp, which npm normally puts on PATH.
export PATH="$here/node_modules/.bin:$PATH"
# node-gyp fetches Node's headers from nodejs.org unless told where the installed ones are.
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
if [ -f "$node_prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$node_prefix"; fi
[ -d "$pkg" ] || { echo "tfjs-node: $pkg missing; run npm ci first" >&2; exit 1; }
if loads; then echo "tfjs-node: binding loads"; exit 0; fi

echo "tfjs-node: trying the package's own install (downloads libtensorflow)"
if (cd "$pkg" && timeout 300 node scripts/install.js >"$cache/tfjs-install.log" 2>&1) && loads; then
  echo "tfjs-node: installed the normal way"; exit 0
fi
echo "tfjs-node: download route failed (see $cache/tfjs-install.log); building against PyPI tensorflow-cpu==$TF_WHEEL_VERSION"

py=$(command -v python3 || command -v python) || { echo "tfjs-node: no python3 for pip" >&2; exit 1; }
wheel=$(ls "$cache"/tensorflow_cpu-"$TF_WHEEL_VERSION"-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ]; then
  "$py" -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_27_x86_64 \
    --python-version 3.11 -d "$cache" "tensorflow-cpu==$TF_WHEEL_VERSION"
  wheel=$(ls "$cache"/tensorflow_cpu-"$TF_WHEEL_VERSION"-*.whl | head -n 1)
fi

stage=$(mktemp -d "$cache/tf-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
unpack_libtensorflow "$py" "$here" "$wheel" "$stage"
lay_out_libtensorflow "$stage" "$pkg/deps"

(cd "$pkg" && node scripts/install.js >"$cache/tfjs-build.log" 2>&1) || {
  echo "tfjs-node: building the binding failed; see $cache/tfjs-build.log" >&2; exit 1; }
loads || { echo "tfjs-node: built, but require('@tensorflow/tfjs-node') still fails" >&2; exit 1; }
echo "tfjs-node: binding built against tensorflow-cpu $TF_WHEEL_VERSION"
