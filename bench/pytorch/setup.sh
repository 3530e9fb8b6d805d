#!/usr/bin/env bash
# Installs a pinned PyTorch CPU loop's dependencies (torch, numpy) into a venv in the project's cache,
# for the side-by-side bench only. Run it by hand: nothing (setup/install.sh, CI, tests) calls it.
# PyPI's Linux torch wheel brings its CUDA wheels, about 5.4 GB; the bench runs it on the CPU.
# Idempotent: skips when the venv already imports the pinned versions. Prints the venv's python.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
venv="${PYTORCH_VENV:-${NAS_HOME:-$here/.nas}/cache/pytorch-venv}"
torch_version=2.15.0
numpy_version=2.4.6

if [ -x "$venv/bin/python" ] && "$venv/bin/python" - "$torch_version" "$numpy_version" <<'PY' 2>/dev/null
import sys, torch, numpy
sys.exit(0 if torch.__version__.split('+')[0] == sys.argv[1] and numpy.__version__ == sys.argv[2] else 1)
PY
then
  echo "pytorch-venv: torch $torch_version and numpy $numpy_version already in $venv" >&2
else
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "torch==$torch_version" "numpy==$numpy_version"
  echo "pytorch-venv: installed torch $torch_version and numpy $numpy_version into $venv" >&2
fi
echo "$venv/bin/python"
