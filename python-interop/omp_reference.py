#!/usr/bin/env python3
"""scikit-learn side of `matcomp bench omp` (org.matcomp.bench.OmpBenchmark): codes the same signals against the
same dictionary with orthogonal_mp_gram and sparse_encode(omp, n_jobs=2), in float64 like scikit-learn's defaults.

Usage (the benchmark runs it; by hand from the project root, in the project's environment: python-interop/setup-venv.sh):
    python-interop/.venv/bin/python python-interop/omp_reference.py D.npy X.npy K OUT_DIR
D.npy: atoms x dim float32 (atoms as rows), X.npy: signals x dim float32 (signals as rows), K: nonzeros per signal.
Writes OUT_DIR/sklearn_supports.npy (signals x K int32, each row's atom indices sorted ascending, padded with -1)
and OUT_DIR/sklearn_omp.json: seconds of orthogonal_mp_gram alone (Gram and D·X precomputed outside the clock,
as Batch-OMP's own inputs), seconds of sparse_encode including its Gram, and the relative error of each.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
from sklearn.decomposition import sparse_encode
from sklearn.linear_model import orthogonal_mp_gram


def supports(coef, k):
    out = np.full((coef.shape[0], k), -1, dtype=np.int32)
    for i, row in enumerate(coef):
        nz = np.flatnonzero(row)
        out[i, :len(nz)] = nz
    return out


def main():
    d_path, x_path, k, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    d = np.load(d_path).astype(np.float64)
    x = np.load(x_path).astype(np.float64)
    gram = d @ d.T
    xy = d @ x.T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        t0 = time.perf_counter()
        coef = orthogonal_mp_gram(gram, xy, n_nonzero_coefs=k).T
        omp_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        coef2 = sparse_encode(x, d, algorithm="omp", n_nonzero_coefs=k, n_jobs=2)
        encode_seconds = time.perf_counter() - t0
    norm = np.linalg.norm(x)
    np.save(os.path.join(out, "sklearn_supports.npy"), supports(coef, k))
    with open(os.path.join(out, "sklearn_omp.json"), "w") as f:
        json.dump({
            "orthogonal_mp_gram_seconds": omp_seconds,
            "orthogonal_mp_gram_rel_error": float(np.linalg.norm(x - coef @ d) / norm),
            "sparse_encode_n_jobs2_seconds": encode_seconds,
            "sparse_encode_rel_error": float(np.linalg.norm(x - coef2 @ d) / norm),
        }, f)


if __name__ == "__main__":
    main()
