#!/usr/bin/env python3
"""numpy reference for matcomp's PruneBenchmark: magnitude pruning of a float32 matrix to a sparsity.

Usage:
    python-interop/.venv/bin/python python-interop/prune_reference.py W.npy SPARSITY [REPEATS]

Prints one JSON object: seconds (best of REPEATS), seconds_each, kept, zeros, rel_error.

The rule is matcomp's (and model_pruning's): keep k = round(size * (1 - s)) entries with the largest |w|
(np.rint rounds half to even, like tf.round and Java's Math.rint), chosen with np.argpartition
(introselect, O(n), no full sort). Ties may be broken differently from matcomp (which keeps the lower
index), which cannot change the error. The timed part is what matcomp's side times: |w|, the selection,
the mask and the masked copy. rel_error = ||W - pruned||_F / ||W||_F in float64, outside the timing.

This script makes no goldens: PruneBenchmark writes the matrix and runs the script on it each time.
"""
import json
import sys
import time

import numpy as np


def prune(w, sparsity):
    a = np.abs(w).ravel()
    k = int(np.rint(a.size * (1.0 - sparsity)))
    keep = np.zeros(a.size, dtype=bool)
    if k > 0:
        keep[np.argpartition(a, a.size - k)[a.size - k:]] = True
    return np.where(keep.reshape(w.shape), w, np.float32(0)), k


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    w = np.load(sys.argv[1])
    if w.dtype != np.float32 or w.ndim != 2:
        sys.exit("expected a 2-D float32 array, got %s %s" % (w.dtype, w.shape))
    sparsity = float(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    times = []
    pruned, k = None, 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        pruned, k = prune(w, sparsity)
        times.append(time.perf_counter() - t0)
    w64 = w.astype(np.float64)
    err = float(np.sqrt(((w64 - pruned.astype(np.float64)) ** 2).sum() / (w64 ** 2).sum()))
    print(json.dumps({"seconds": min(times), "seconds_each": times, "kept": k, "zeros": int(w.size - k),
                      "rel_error": err, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
