#!/usr/bin/env bash
# Makes the GPU backend loadable on today's NVIDIA machines (driver for CUDA 12 or later; no CUDA
# toolkit): builds @tensorflow/tfjs-node-gpu's binding against the TensorFlow C library inside PyPI's
# CUDA-12 `tensorflow` wheel, and lays out the CUDA libraries of its `and-cuda` wheels (nvidia-*-cu12)
# where that library looks for them. Opt-in: install.sh runs it only when NAS_BACKEND=gpu. Everything
# goes into $NAS_HOME/gpu, never the project's node_modules, so the CPU route is untouched. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=setup/libtensorflow.sh
. "$here/setup/libtensorflow.sh"
home="${NAS_HOME:-$here/.nas}"
prefix="$home/gpu"                 # a package folder of its own: setup/gpu/package.json and its lock
cache="$home/cache/gpu"
pkg="$prefix/node_modules/@tensorflow/tfjs-node-gpu"
deps="$pkg/deps"
TF_WHEEL_VERSION=2.21.0 # the latest on PyPI (2026-12); built with CUDA 12, same C API as tensorflow-cpu 2.21.0
# The `and-cuda` extra of tensorflow 2.21.0, resolved by pip (`pip install --dry-run tensorflow[and-cuda]`),
# pinned so every machine gets the same libraries. Left out: nvidia-cuda-nvcc-cu12, whose ptxas only
# XLA's JIT compiler calls; tfjs-node runs TensorFlow's precompiled eager kernels.
CUDA_WHEELS=(
  nvidia-cublas-cu12==12.9.3.13 nvidia-cuda-cupti-cu12==12.9.79 nvidia-cuda-nvrtc-cu12==12.9.86
  nvidia-cuda-runtime-cu12==12.9.79 nvidia-cudnn-cu12==9.28.0.42 nvidia-cufft-cu12==11.4.1.4
  nvidia-curand-cu12==10.3.10.19 nvidia-cusolver-cu12==11.7.5.82 nvidia-cusparse-cu12==12.5.10.65
  nvidia-nccl-cu12==2.32.3 nvidia-nvjitlink-cu12==12.9.86
)
# What this build is made of; a layout made of anything else is rebuilt.
recipe="tensorflow==$TF_WHEEL_VERSION ${CUDA_WHEELS[*]} $(cksum <"$here/setup/gpu/package-lock.json")"

loads() { node -e "require(process.argv[1])" "$pkg" >/dev/null 2>&1; }

# 1. The npm packages, from setup/gpu's lock (install scripts off: tfjs-node-gpu's own would download
#    libtensorflow 2.9.1 for CUDA 11.2 from Google's storage, which today's drivers and this route skip).
mkdir -p "$prefix" "$cache"
for f in package.json package-lock.json; do
  cmp -s "$here/setup/gpu/$f" "$prefix/$f" || cp "$here/setup/gpu/$f" "$prefix/$f"
done
if [ ! -f "$prefix/node_modules/.package-lock.json" ] || [ "$prefix/package-lock.json" -nt "$prefix/node_modules/.package-lock.json" ]; then
  (cd "$prefix" && npm ci --ignore-scripts --no-audit --no-fund >"$cache/npm-ci.log" 2>&1) || {
    echo "tfjs-node-gpu: npm ci in $prefix failed; see $cache/npm-ci.log" >&2; exit 1; }
fi
if [ -f "$deps/.recipe" ] && [ "$(cat "$deps/.recipe")" = "$recipe" ] && loads; then
  echo "tfjs-node-gpu: binding loads ($pkg)"; exit 0
fi

# 2. The wheels, downloaded once into the cache (about 3.4 GB in all).
py=$(command -v python3 || command -v python) || { echo "tfjs-node-gpu: no python3 for pip" >&2; exit 1; }
# The wheels' own tags: manylinux_2_27 (tensorflow, cublas, cudnn...), 2_25 (cupti), 2_17 and 2_12 (the rest).
platforms=(--platform manylinux_2_27_x86_64 --platform manylinux_2_25_x86_64 --platform manylinux_2_17_x86_64
  --platform manylinux2014_x86_64 --platform manylinux_2_12_x86_64 --platform manylinux2010_x86_64)
wheel_of() { # name==version -> the cached file, if any
  local name=${1%%==*} version=${1##*==}
  ls "$cache/${name//-/_}-$version-"*.whl 2>/dev/null | head -n 1 || true
}
missing=()
for spec in "tensorflow==$TF_WHEEL_VERSION" "${CUDA_WHEELS[@]}"; do
  [ -n "$(wheel_of "$spec")" ] || missing+=("$spec")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "tfjs-node-gpu: downloading ${missing[*]}"
  "$py" -m pip download --quiet --no-deps --only-binary=:all: "${platforms[@]}" --python-version 3.11 \
    -d "$cache" "${missing[@]}"
fi

# 3. The layout. deps/lib holds TensorFlow's two libraries, deps/include its C headers, as for the CPU
#    route (setup/tfjs-node.sh). deps/nvidia/<part>/lib holds the CUDA libraries: libtensorflow's RUNPATH
#    is $ORIGIN/../nvidia/<part>/lib, the place of site-packages/nvidia beside site-packages/tensorflow.
stage=$(mktemp -d "$cache/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
unpack_libtensorflow "$py" "$here" "$(wheel_of "tensorflow==$TF_WHEEL_VERSION")" "$stage"
for spec in "${CUDA_WHEELS[@]}"; do
  "$py" "$here/setup/unzip-members.py" "$(wheel_of "$spec")" "$stage" 'nvidia/*/lib/*'
done
rm -rf "$pkg/build" "$pkg/lib"
lay_out_libtensorflow "$stage" "$deps"
mv "$stage/nvidia" "$deps/nvidia"
# The libraries TensorFlow dlopens by soname once a driver reports a GPU; without a GPU nothing loads
# them, so a missing one would only show on a GPU machine. Check the layout here instead.
for so in cuda_runtime/lib/libcudart.so.12 cublas/lib/libcublas.so.12 cublas/lib/libcublasLt.so.12 \
  cudnn/lib/libcudnn.so.9 cufft/lib/libcufft.so.11 cusolver/lib/libcusolver.so.11 \
  cusparse/lib/libcusparse.so.12 nccl/lib/libnccl.so.2 cuda_cupti/lib/libcupti.so.12 nvjitlink/lib/libnvJitLink.so.12; do
  [ -f "$deps/nvidia/$so" ] || { echo "tfjs-node-gpu: $deps/nvidia/$so missing from the CUDA wheels" >&2; exit 1; }
done

# 4. The binding, compiled here (node-gyp, g++, Node's headers); never a prebuilt one from Google's storage.
export PATH="$prefix/node_modules/.bin:$PATH"
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
if [ -f "$node_prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$node_prefix"; fi
(cd "$pkg" && node-pre-gyp install --build-from-source >"$cache/build.log" 2>&1) || {
  echo "tfjs-node-gpu: building the binding failed; see $cache/build.log" >&2; exit 1; }
loads || { echo "tfjs-node-gpu: built, but require('$pkg') fails:" >&2; node -e "require(process.argv[1])" "$pkg" >&2; exit 1; }
echo "$recipe" >"$deps/.recipe"
echo "tfjs-node-gpu: binding built against tensorflow $TF_WHEEL_VERSION (CUDA 12) in $pkg"
