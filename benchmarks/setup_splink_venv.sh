#!/usr/bin/env sh
# The benchmark-only venv for Splink (never install Splink into the project's .venv).
#   sh benchmarks/setup_splink_venv.sh [/tmp/splink-venv]
# match_vs_splink.py finds it at /tmp/splink-venv, or at $SPLINK_PYTHON.
set -eu
venv="${1:-/tmp/splink-venv}"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r "$(dirname "$0")/requirements-splink.txt"
"$venv/bin/python" -c "import splink, duckdb; print('splink', splink.__version__, 'duckdb', duckdb.__version__)"
