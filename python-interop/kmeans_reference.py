#!/usr/bin/env python3
"""scikit-learn side of `bench kmeans` (org.matcomp.bench.KMeansBenchmark): clusters the 1x`block_size` blocks of a
float32 .npy matrix the way the acceptance check does and prints one JSON line.

    python-interop/.venv/bin/python python-interop/kmeans_reference.py W.npy --clusters 16 --block-size 1

KMeans(clusters, n_init=1, max_iter=50, algorithm='lloyd', random_state=0) on the blocks as float64; `seconds` is the
fit alone, `rel_error` is ||X - Q|| / ||X|| with Q the blocks replaced by their centres.
"""
import argparse
import json
import time

import numpy as np
from sklearn.cluster import KMeans


def main():
    p = argparse.ArgumentParser()
    p.add_argument('matrix')
    p.add_argument('--clusters', type=int, required=True)
    p.add_argument('--block-size', type=int, default=1)
    p.add_argument('--max-iter', type=int, default=50)
    a = p.parse_args()
    w = np.load(a.matrix)
    x = w.reshape(-1, a.block_size).astype(np.float64)
    t0 = time.perf_counter()
    km = KMeans(a.clusters, n_init=1, max_iter=a.max_iter, algorithm='lloyd', random_state=0).fit(x)
    seconds = time.perf_counter() - t0
    q = km.cluster_centers_[km.labels_]
    print(json.dumps({
        'seconds': seconds,
        'rel_error': float(np.linalg.norm(x - q) / np.linalg.norm(x)),
        'inertia': float(km.inertia_),
        'iterations': int(km.n_iter_),
    }))


if __name__ == '__main__':
    main()
