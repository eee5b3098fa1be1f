#!/usr/bin/env bash
# Creates and fills python-interop/.venv, the one Python environment matcomp's tests, benchmarks and reference
# scripts use (Python TensorFlow 2.18 = TF Java 1.1.0's runtime, tf-keras, tfmot, numpy, scikit-learn, scipy, faiss).
#
# Idempotent: a stamp holding the hash of the requirement files and the interpreter's version is written last, so a
# second run with nothing changed returns at once, and a run that was interrupted is finished by the next one.
#
#   python-interop/setup-venv.sh            # from anywhere; PYTHON=/path/to/python3 picks the base interpreter
#   python-interop/setup-venv.sh --freeze   # after changing a pin: rewrite constraints.txt from the environment
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
stamp="$venv/.matcomp-requirements"
base="${PYTHON:-python3}"

command -v "$base" >/dev/null || { echo "setup-venv.sh: no '$base' on the PATH (install python3, 3.10-3.12)" >&2; exit 2; }
want="$(cat "$here/requirements.txt" "$here/requirements-nodeps.txt" "$here/constraints.txt" \
  | sha256sum | cut -c1-16) $("$base" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

if [ "${1:-}" = "--freeze" ]; then
  [ -x "$venv/bin/python" ] || { echo "setup-venv.sh --freeze: no environment at $venv yet" >&2; exit 2; }
  direct="$(sed -e 's/#.*//' -e 's/==.*//' "$here/requirements.txt" "$here/requirements-nodeps.txt" \
    | tr 'A-Z_' 'a-z-' | grep -v '^$' | paste -sd'|')"
  { sed -n '1,2p' "$here/constraints.txt"
    "$venv/bin/pip" freeze | awk -F'==' -v d="^($direct)\$" '{ n = tolower($1); gsub("_", "-", n); if (n !~ d) print }'
  } > "$here/constraints.txt.new"
  mv "$here/constraints.txt.new" "$here/constraints.txt"
  echo "constraints.txt rewritten; run setup-venv.sh again to stamp the environment"
  exit 0
fi

# matcomp_interop and the zoo import from python-interop/ wherever the interpreter starts (a .pth file, no install).
put_path() {
  site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  [ "$(cat "$site/matcomp-interop.pth" 2>/dev/null)" = "$here" ] || echo "$here" > "$site/matcomp-interop.pth"
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  put_path
  exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "setup-venv.sh: creating $venv with $("$base" --version 2>&1)"
  "$base" -m venv "$venv" || { echo "setup-venv.sh: '$base -m venv' failed; on Debian: apt-get install -y python3-venv" >&2; exit 2; }
fi
rm -f "$stamp"
echo "setup-venv.sh: installing the pinned packages (about 400 MB of wheels on a cold machine)"
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$here/requirements.txt" -c "$here/constraints.txt"
"$venv/bin/python" -m pip install --disable-pip-version-check -q --no-deps -r "$here/requirements-nodeps.txt"
put_path
"$venv/bin/python" - <<'PY'
import importlib
for m in ("numpy", "sklearn", "scipy", "tensorflow", "keras", "tf_keras", "tensorflow_model_optimization",
          "matcomp_interop"):
    importlib.import_module(m)
import tensorflow as tf
assert tf.__version__.startswith("2.18."), tf.__version__
PY
echo "$want" > "$stamp"
echo "setup-venv.sh: $venv is ready ($("$venv/bin/python" -c 'import tensorflow as tf; print("TensorFlow", tf.__version__)' 2>/dev/null))"
