#!/usr/bin/env python3
"""Small k-means goldens from scikit-learn for matcomp's k-means tests (KMeansGoldensTest).

Regenerate (from the repository root, in the project's environment: python-interop/setup-venv.sh):

    python-interop/.venv/bin/python python-interop/kmeans_goldens.py

It rewrites testdata/kmeans/*.json. Each file holds one input matrix as integers `units` with the exact value
units * scale (scale = 2**-10, so every value is exact in float32, float64 and JSON), the clustering settings, and
what scikit-learn reaches on it:
  sklearn_inertia        KMeans(k, n_init=1, algorithm='lloyd', max_iter=300, random_state=0), the benchmark's setup
  sklearn_best_inertia   the best of n_init=10 (same otherwise)
  optimal_inertia        (block_size 1 only) the exact optimum, by dynamic programming over the sorted values
The Java test requires matcomp's inertia to be no worse than sklearn_inertia, and for scalars within 1e-9 of the optimum.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans

SCALE = 2.0 ** -10
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'testdata', 'kmeans')


def gaussian(rng, rows, cols, std_units):
    return np.rint(rng.standard_normal((rows, cols)) * std_units).astype(np.int64)


def mixture(rng, rows, cols):
    centres = np.array([-120, -10, 40, 160])
    pick = rng.integers(0, len(centres), size=(rows, cols))
    return np.rint(centres[pick] + rng.standard_normal((rows, cols)) * 12).astype(np.int64)


def optimal_1d(values, k):
    """Exact k-means optimum of scalars: DP over sorted values, cost of a run from prefix sums."""
    x = np.sort(values.astype(np.float64))
    n = len(x)
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def cost(i, j):  # runs x[i:j] for arrays i < j
        cnt = j - i
        s = s1[j] - s1[i]
        return s2[j] - s2[i] - s * s / cnt

    prev = np.full(n + 1, np.inf)
    prev[0] = 0.0
    for _ in range(k):
        cur = np.full(n + 1, np.inf)
        cur[0] = 0.0
        for j in range(1, n + 1):
            i = np.arange(0, j)
            cur[j] = np.min(prev[i] + cost(i, np.full(j, j)))
        prev = cur
    return float(prev[n])


def case(name, units, k, block_size):
    x = (units * SCALE).reshape(-1, block_size).astype(np.float64)
    one = KMeans(k, n_init=1, algorithm='lloyd', max_iter=300, random_state=0).fit(x)
    best = KMeans(k, n_init=10, algorithm='lloyd', max_iter=300, random_state=0).fit(x)
    out = {
        'name': name,
        'rows': int(units.shape[0]),
        'cols': int(units.shape[1]),
        'scale': SCALE,
        'clusters': k,
        'block_size': block_size,
        'sklearn_version': sklearn.__version__,
        'sklearn_inertia': float(one.inertia_),
        'sklearn_best_inertia': float(best.inertia_),
        'units': units.ravel().tolist(),
    }
    if block_size == 1:
        out['optimal_inertia'] = optimal_1d(x.ravel(), k)
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print(name, {key: v for key, v in out.items() if key.endswith('inertia')})


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240607)
    case('scalar_gauss_k8', gaussian(rng, 32, 32, 51), 8, 1)
    case('scalar_mixture_k5', mixture(rng, 16, 32), 5, 1)
    case('block4_gauss_k16', gaussian(rng, 32, 32, 51), 16, 4)
    case('block2_mixture_k8', mixture(rng, 16, 32), 8, 2)


if __name__ == '__main__':
    main()
