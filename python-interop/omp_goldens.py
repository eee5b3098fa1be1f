#!/usr/bin/env python3
"""Golden supports and coefficients of scikit-learn's orthogonal_mp_gram for BatchOmpGoldenTest.

Regenerate (from the project root, in the project's environment: python-interop/setup-venv.sh):
    python-interop/.venv/bin/python python-interop/omp_goldens.py
Output goes to testdata/omp/: the float32 inputs as .npy (what the Java test reads) and goldens.json with, per
case, the dictionary and signal files, k and/or tol, and per signal the support (sorted atom indices) and the
coefficients at those indices. scikit-learn runs in float64 on the float32 values, as the Java coder does.

Cases:
  random_k4      32 unit atoms x 10 dims, 24 signals (3-sparse mixes + noise), n_nonzero_coefs=4
  random_tol     the same inputs, tol = 5% of the mean squared signal norm (supports of varying size)
  scaled_k3      the atoms rescaled by factors in [0.5, 2] (orthogonal_mp_gram does not need unit atoms), k=3
  ties_k2        exact small-integer atoms with a duplicated atom: the second pick is an exact tie that
                 scikit-learn breaks by its swapped working order (atom 9, although atom 0 has the lower index)
  exact_k5       dyadic atoms and signals that are exactly 2-sparse, coded with k=5: scikit-learn stops once the
                 correlations vanish (its 'premature' warning), so supports have 2 atoms (or fewer)
"""
import json
import os
import warnings

import numpy as np
from sklearn.linear_model import orthogonal_mp_gram

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "omp")


def save(name, arr):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(arr, dtype="<f4"))


def omp(d32, x32, k=None, tol=None):
    d = d32.astype(np.float64)
    x = x32.astype(np.float64)
    gram = d @ d.T
    xy = d @ x.T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if tol is None:
            coef = orthogonal_mp_gram(gram, xy, n_nonzero_coefs=k)
        else:
            coef = orthogonal_mp_gram(gram, xy, tol=tol, norms_squared=np.sum(x * x, axis=1))
    coef = coef.reshape(d.shape[0], -1).T
    rows = []
    for c in coef:
        support = np.flatnonzero(c)
        rows.append({"support": support.tolist(), "coefs": [float(v) for v in c[support]]})
    return rows


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    d = rng.standard_normal((32, 10))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    d = d.astype(np.float32)
    z = np.zeros((24, 32))
    for i in range(24):
        z[i, rng.choice(32, 3, replace=False)] = rng.standard_normal(3)
    x = (z @ d + 0.02 * rng.standard_normal((24, 10))).astype(np.float32)
    scaled = (d * rng.uniform(0.5, 2.0, size=(32, 1))).astype(np.float32)
    save("dictionary.npy", d)
    save("signals.npy", x)
    save("scaled_dictionary.npy", scaled)

    # Exact ties: atoms 0 and 9 are both e0, atom 12 is e1, the others live in dims 2..5 with entries in {0, +-1/2}.
    ties = np.zeros((16, 6), dtype=np.float32)
    for a in range(16):
        if a not in (0, 9, 12):
            ties[a, 2 + a % 4] = 0.5
            ties[a, 2 + (a + 1) % 4] = -0.5 if a % 2 else 0.5
    ties[0, 0] = 1.0
    ties[9, 0] = 1.0
    ties[12, 1] = 1.0
    tie_signals = np.array([[1.0, 3.0, 0, 0, 0, 0],    # picks 12, then ties 0/9 -> 9 by working order
                            [2.0, 0.0, 0, 0, 0, 0],    # first pick ties 0/9 -> 0 (no swap yet)
                            [1.0, -3.0, 0.5, 0, 0, 0]], dtype=np.float32)
    save("ties_dictionary.npy", ties)
    save("ties_signals.npy", tie_signals)

    # Exactly representable signals: dyadic atoms and integer weights, so float32 holds them without rounding.
    dyadic = rng.choice(np.array([-1.0, -0.5, 0.0, 0.5, 1.0]), size=(16, 8)).astype(np.float32)
    dyadic[np.all(dyadic == 0, axis=1), 0] = 1.0
    z2 = np.zeros((6, 16))
    for i in range(6):
        z2[i, rng.choice(16, 2, replace=False)] = rng.choice(np.array([-2.0, -1.0, 1.0, 3.0]), 2)
    exact = (z2 @ dyadic.astype(np.float64)).astype(np.float32)
    save("dyadic_dictionary.npy", dyadic)
    save("exact_signals.npy", exact)

    tol = float(0.05 * np.mean(np.sum(x.astype(np.float64) ** 2, axis=1)))
    cases = [
        {"name": "random_k4", "dictionary": "dictionary.npy", "signals": "signals.npy", "k": 4,
         "rows": omp(d, x, k=4)},
        {"name": "random_tol", "dictionary": "dictionary.npy", "signals": "signals.npy", "tol": tol,
         "rows": omp(d, x, tol=tol)},
        {"name": "scaled_k3", "dictionary": "scaled_dictionary.npy", "signals": "signals.npy", "k": 3,
         "rows": omp(scaled, x, k=3)},
        {"name": "ties_k2", "dictionary": "ties_dictionary.npy", "signals": "ties_signals.npy", "k": 2,
         "rows": omp(ties, tie_signals, k=2)},
        {"name": "exact_k5", "dictionary": "dyadic_dictionary.npy", "signals": "exact_signals.npy", "k": 5,
         "rows": omp(dyadic, exact, k=5)},
    ]
    with open(os.path.join(OUT, "goldens.json"), "w") as f:
        # One case per line keeps the file small and its diffs readable.
        f.write('{"generator": "python-interop/omp_goldens.py", "cases": [\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
