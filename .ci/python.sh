#!/usr/bin/env bash
# Python package CI: builds the hanfix wheel from this checkout into a private venv and runs the
# Python tests (tests/python), the local Spark job included.
#
# Needs only Rust, Python 3.9+ (3.11 in CI) and Java 17 (for the Spark test). Idempotent: the venv
# is reused when present, dependencies are installed by package name, and the wheel is rebuilt
# from the working tree on every run.
#
#   HANFIX_PY_VENV   venv location (default: .venv-ci at the repository root, git-ignored)
#   PYTHON           interpreter that creates the venv (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
root=$PWD
venv=${HANFIX_PY_VENV:-$PWD/.venv-ci}
python=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

stamp() { echo "-- $1 ($(($(date +%s) - started)) s)"; }

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
py="$venv/bin/python"
export PATH="$venv/bin:$PATH" # the maturin build backend runs the `maturin` executable
"$py" --version
java -version 2>&1 | head -n 1 || echo "warning: java not found; the Spark test will fail"

stamp "installing test dependencies"
"$py" -m pip install -q maturin pytest pyarrow "pandas<3" pyspark

# Build the abi3 wheel with the venv's maturin (no isolated build env to download) and install it.
stamp "building and installing hanfix"
"$py" -m pip install -q --no-build-isolation --no-deps --force-reinstall .

stamp "pytest"
# Run from outside the repository so that `import hanfix` can only find the installed wheel.
status=0
(cd "$venv" && "$py" -m pytest -q -c "$root/pyproject.toml" --rootdir "$root" "$root/tests/python") || status=$?
stamp "done, exit status $status"
exit "$status"
