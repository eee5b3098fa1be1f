#!/usr/bin/env python3
"""Rebuild a matrix from the factors `matcomp factor --output DIR` wrote, with NumPy (and, for simhash, TensorFlow).

    python-interop/.venv/bin/python python-interop/load_factors.py DIR METHOD [--shape ROWS COLS] [--original A.npy]

METHOD is what `factor --method` was: lowrank, simhash, kmeans, kmeans-prune, prune, dictionary, omp, int8, fp16,
bf16, or a composition FIRST+CODER (prune+kmeans, lowrank+int8, ...), whose coded factors are stored as
NAME__codes + NAME__codebook (k-means), or NAME in its narrower type (int8: codes then scales, fp16, bf16).
simhash stores its random projection R as a seed: R is TensorFlow's StatelessRandomNormal of that seed and shape,
drawn here by the same op matcomp drew it with. Prints JSON: the rebuilt shape and, with --original, rel_error = ||A - W||_F / ||A||_F (it must equal the
rel_error of matcomp's own report). --shape is needed for pruned matrices stored as indices and for simhash (R's
rows are the matrix's).
"""
import argparse
import json
import os

import numpy as np


def exists(d, name):
    return os.path.exists(os.path.join(d, name + ".npy")) or os.path.exists(os.path.join(d, name + "__codes.npy"))


def load(d, name):
    """A factor's array: codes and bits narrower than a byte unpacked from the bytes matcomp wrote them in, a
    factor coded by a composition's coder decoded, bfloat16 widened (NumPy has no bfloat16: its bits are uint16)."""
    if not os.path.exists(os.path.join(d, name + ".npy")):
        codes = load(d, name + "__codes").astype(np.int64)  # k-means: a scalar codebook
        return load(d, name + "__codebook").astype(np.float64).reshape(-1)[codes]
    a = np.load(os.path.join(d, name + ".npy"))
    packing = os.path.join(d, name + ".packing.json")
    if not os.path.exists(packing):
        return a
    with open(packing) as f:
        p = json.load(f)
    if p.get("dtype") == "bfloat16":
        return (a.astype(np.uint32) << 16).view(np.float32)
    if p.get("dtype") == "int8":  # codes + 128, then the scales as float32 bytes; a scale per column of the last axis
        shape, k = tuple(p["shape"]), p["scales"]
        n = int(np.prod(shape))
        scales = a[n:n + 4 * k].view("<f4")
        return (a[:n].astype(np.float64) - 128).reshape(shape) * scales.astype(np.float64)
    bits, shape = p["bits"], tuple(p["shape"])
    n = int(np.prod(shape))
    # Entry i is bits [i*bits, (i+1)*bits) of the bytes' little-endian bit stream, least significant bit first.
    stream = np.unpackbits(a, bitorder="little")[: n * bits].reshape(n, bits).astype(np.int64)
    values = (stream @ (1 << np.arange(bits))).reshape(shape)
    return values.astype(bool) if p.get("dtype") == "bool" else values


def projection(seed, rows, k):
    """simhash's R, rows x k, from its seed (two int32): TensorFlow's stateless normal, the op matcomp uses."""
    import tensorflow as tf

    r = tf.raw_ops.StatelessRandomNormal(shape=tf.constant([rows, k], tf.int32),
                                         seed=tf.constant(seed.astype(np.int32)), dtype=tf.float32)
    return r.numpy().astype(np.float64)


def rebuild(d, method, shape):
    method = method.split("+")[0]  # a coder's factors decode in load(); the first method's rule rebuilds W
    if method in ("int8", "fp16", "bf16"):
        return load(d, "weights").astype(np.float64)
    if method == "lowrank":
        return load(d, "B").astype(np.float64) @ load(d, "C").astype(np.float64)
    if method == "simhash":
        signs = np.where(load(d, "S"), 1.0, -1.0)
        if shape is None:
            raise SystemExit("simhash: pass --shape ROWS COLS (R's rows are the matrix's)")
        return (projection(load(d, "seed"), shape[0], signs.shape[0]) @ signs) * load(d, "D").astype(np.float64)
    if method in ("kmeans", "kmeans-prune"):
        codebook = load(d, "codebook").astype(np.float64)
        codes = load(d, "codes").astype(np.int64)
        w = codebook[codes].reshape(codes.shape[0], -1)
        if os.path.exists(os.path.join(d, "mask.npy")):
            w = w * load(d, "mask")
        return w
    if method == "prune":
        values = load(d, "values").astype(np.float64)
        if exists(d, "gaps"):  # relative positions: symbol v < top is a kept entry v+1 on, top a filler advancing top
            symbols = load(d, "gaps").astype(np.int64)
            packing = os.path.join(d, "gaps.packing.json")
            bits = json.load(open(packing))["bits"] if os.path.exists(packing) else 8
            top = (1 << bits) - 1
            positions = np.cumsum(np.where(symbols == top, top, symbols + 1)) - 1
            if shape is None:
                raise SystemExit("pruned matrix stored as gaps: pass --shape ROWS COLS")
            w = np.zeros(shape[0] * shape[1])
            real = symbols != top
            w[positions[real]] = values[real]
            return w.reshape(shape)
        if exists(d, "mask"):
            mask = load(d, "mask")
            w = np.zeros(mask.shape)
            w[mask] = values  # values are in ascending row-major position, as NumPy's boolean indexing
            return w
        if shape is None:
            raise SystemExit("pruned matrix stored as indices: pass --shape ROWS COLS")
        w = np.zeros(shape[0] * shape[1])
        w[load(d, "indices")] = values
        return w.reshape(shape)
    if method in ("dictionary", "omp"):
        idx = load(d, "code_indices").astype(np.int64)
        val = load(d, "code_values").astype(np.float64)
        atoms = load(d, "dictionary").astype(np.float64)
        return np.einsum("rk,rkc->rc", val, atoms[idx])
    raise SystemExit("unknown method " + method)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("method")
    p.add_argument("--shape", type=int, nargs=2)
    p.add_argument("--original")
    a = p.parse_args()
    w = rebuild(a.dir, a.method, a.shape)
    out = {"rows": int(w.shape[0]), "cols": int(w.shape[1])}
    if a.original:
        x = np.load(a.original).astype(np.float64)
        out["rel_error"] = float(np.linalg.norm(x - w) / np.linalg.norm(x))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
