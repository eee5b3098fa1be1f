#!/usr/bin/env python3
"""scikit-learn side of `matcomp bench dictionary` (org.matcomp.bench.DictionaryBenchmark): learns a dictionary for
the same table with DictionaryLearning (cd) and MiniBatchDictionaryLearning, coding with OMP, as the acceptance
check for the issue does.

Usage (the benchmark runs it; by hand from the project root, in the project's environment: python-interop/setup-venv.sh):
    python-interop/.venv/bin/python python-interop/dictionary_reference.py E.npy ATOMS K ITERATIONS OUT_DIR
E.npy: rows x dim float32 (rows are signals). Writes OUT_DIR/sklearn_dictionary.json with, per estimator, the
seconds of fit + transform (as the check times it) and the relative error ||E - code @ components_|| / ||E||.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
from sklearn.decomposition import DictionaryLearning, MiniBatchDictionaryLearning


def run(estimator, e):
    t0 = time.perf_counter()
    estimator.fit(e)
    code = estimator.transform(e)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds,
            "rel_error": float(np.linalg.norm(e - code @ estimator.components_) / np.linalg.norm(e))}


def main():
    e_path, atoms, k, iterations, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    e = np.load(e_path).astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cd = run(DictionaryLearning(atoms, transform_algorithm="omp", transform_n_nonzero_coefs=k, fit_algorithm="cd",
                                    max_iter=iterations, random_state=0), e)
        mb = run(MiniBatchDictionaryLearning(atoms, transform_algorithm="omp", transform_n_nonzero_coefs=k,
                                             fit_algorithm="cd", random_state=0), e)
    with open(os.path.join(out, "sklearn_dictionary.json"), "w") as f:
        json.dump({"dictionary_learning_cd": cd, "minibatch_dictionary_learning_cd": mb}, f)


if __name__ == "__main__":
    main()
