#!/usr/bin/env bash
# Makes Fashion-MNIST available for the benches and presets that ask for it: Debian's
# dataset-fashion-mnist package (the four idx .gz files). Idempotent; prints the folder last, for
# `--set data.source=idx --set data.path=<it>`. Never part of a search or of npm test.
set -euo pipefail
dir=/usr/share/datasets/fashion-mnist
if [ ! -f "$dir/train-images-idx3-ubyte.gz" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q dataset-fashion-mnist >/dev/null; }
fi
[ -f "$dir/train-images-idx3-ubyte.gz" ] || { echo "fashion-mnist: $dir has no train-images-idx3-ubyte.gz after installing dataset-fashion-mnist" >&2; exit 1; }
echo "$dir"
