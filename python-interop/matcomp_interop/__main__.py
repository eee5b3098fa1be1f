"""``python -m matcomp_interop roundtrip ...`` (see matcomp_interop.roundtrip)."""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

COMMANDS = ("roundtrip",)

if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
    print(f"usage: python -m matcomp_interop {{{','.join(COMMANDS)}}} ... (--help for a command)", file=sys.stderr)
    sys.exit(2)
from . import roundtrip  # noqa: E402  (after the log level is set: importing TF reads it)
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")  # e.g. one warning per TF1 ref variable when a TF1 graph loads

sys.exit(roundtrip.main(sys.argv[2:]))
