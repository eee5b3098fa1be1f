#!/usr/bin/env bash
# Checks the CLI distribution as a user gets it (run by `mvn verify` in src/cli): under 250 MB, no native jar of
# another platform, and its launcher's --help and a compress run print no TensorFlow C++ log line.
#   check-distribution.sh TARBALL SAVEDMODEL_DIR
set -euo pipefail
tarball=$1 model=$2
fail() { echo "distribution check: $*" >&2; exit 1; }
size=$(stat -c %s "$tarball")
[ "$size" -lt $((250 * 1024 * 1024)) ] || fail "$tarball is $((size / 1024 / 1024)) MB, over 250 MB"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
home=$(echo "$work"/matcomp-*)
[ -x "$home/bin/matcomp" ] || fail "no executable bin/matcomp in $tarball"
others=$(ls "$home/lib" | grep -E 'tensorflow-core-native-.*-(windows|macosx|linux-arm64)' || true)
[ -z "$others" ] || fail "native jars of other platforms in lib/: $others"
# TensorFlow's C++ logs look like '2026-12-06 04:56:35.349055: I tensorflow/...' or 'I0000 00:00:... file.cc:401]'.
tf_log='^[0-9-]+ [0-9:.]+: [IWEF] |^[IWEF][0-9]{4} [0-9:.]+ +[0-9]+ [a-z_]+\.cc:[0-9]+\]'
unset TF_CPP_MIN_LOG_LEVEL
"$home/bin/matcomp" --help >"$work/help.out" 2>"$work/help.err" || fail "bin/matcomp --help failed: $(tail -1 "$work/help.err")"
grep -q "Usage: matcomp" "$work/help.out" || fail "bin/matcomp --help printed no usage"
"$home/bin/matcomp" compress "$model" "$work/out" --method lowrank --rank 8 >"$work/c.out" 2>"$work/c.err" \
  || fail "bin/matcomp compress failed: $(tail -1 "$work/c.err")"
[ -f "$work/out/saved_model.pb" ] || fail "compress wrote no saved_model.pb"
if grep -E -h "$tf_log" "$work/help.out" "$work/help.err" "$work/c.out" "$work/c.err"; then
  fail "TensorFlow C++ log lines above reached the user"
fi
echo "distribution check: $(basename "$tarball") $((size / 1024 / 1024)) MB, --help and compress quiet"
