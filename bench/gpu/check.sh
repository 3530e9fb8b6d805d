#!/usr/bin/env bash
# For an operator on an NVIDIA machine (a driver for CUDA 12 or later; no CUDA toolkit needed), run from
# anywhere in a clone:  bash bench/gpu/check.sh   (CUDA_VISIBLE_DEVICES=N checks GPU N; default 0).
# Builds what the GPU backend needs if it is not there yet (NAS_BACKEND=gpu setup/install.sh; the first
# time downloads about 3.3 GB of wheels from PyPI, not counted below), then in about 7 minutes: the
# binding sees the GPU, training ops are placed on it, children per hour GPU vs CPU for digits-size and
# paper-size children, memory flat over 50 children. Exit 0 when every check passes. Not run in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v nvidia-smi >/dev/null || { echo "check.sh: nvidia-smi not found; this check is for a machine with an NVIDIA GPU and its driver" >&2; exit 2; }
nvidia-smi -L
NAS_BACKEND=gpu bash setup/install.sh
# nvidia-smi numbers GPUs in PCI bus order; CUDA, unless told, fastest first. Make N mean the same GPU to both.
export CUDA_DEVICE_ORDER=PCI_BUS_ID
exec node --enable-source-maps dist/bench/gpu/check.js
