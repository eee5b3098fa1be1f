#!/usr/bin/env bash
# Regenerates the README's zoo tables from a fresh measurement, in one command:
#   python-interop/zoo/update-readme.sh [--tfmot target/bench-tfmot.json]
# It runs the round-trip test (builds the zoo, compresses every zoo and shared model with every method, checks each
# output back in Python TF), then writes the coverage and round-trip tables (and tfmot's, given `matcomp bench tfmot
# --json FILE`'s output) into README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
python-interop/setup-venv.sh
mvn -B -q test -Dtest=ZooRoundTripTest -Dsurefire.failIfNoSpecifiedTests=false
python-interop/.venv/bin/python python-interop/zoo/readme_tables.py "$@"
