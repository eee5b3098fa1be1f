#!/usr/bin/env python3
"""Writes the tiny .npz fixtures that pin org.matcomp.io.Npz and TrainingData to NumPy's own archives.

Regenerate (from the project root, in the project's environment: python-interop/setup-venv.sh):
    python-interop/.venv/bin/python python-interop/make_finetune_fixtures.py
Output goes to testdata/finetune/. NpzTest and TrainingDataTest repeat the values below.
np.savez stores its entries and np.savez_compressed deflates them; both write zip64 extra fields
(force_zip64), which Java's own zip writer never does, so these files test what a Java-made
fixture cannot.
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "finetune")


def main():
    os.makedirs(OUT, exist_ok=True)
    # Six examples of a [-1, 4] float input "x" with sparse labels for 3 classes.
    x = np.arange(24, dtype="<f4").reshape(6, 4) / 8
    labels = np.array([0, 1, 2, 2, 1, 0], dtype="<i8")
    np.savez_compressed(os.path.join(OUT, "classify_compressed.npz"), x=x, labels=labels)
    # The same data as NumPy makes it by default: float64 features, int64 labels, stored uncompressed.
    np.savez(os.path.join(OUT, "classify_stored.npz"), x=x.astype("<f8"), labels=labels)


if __name__ == "__main__":
    main()
