"""Feeds for a signature: generated from its dtypes and shapes, or read from .npy / .npz files."""
import os

import numpy as np

# The examples matcomp's Java side generates are floats uniform in [0, 1) and integers in [0, 8): the same here, so
# a check without files exercises the same value ranges.
INT_HIGH = 8


def file_key(name):
    """The file name an input is stored under: its signature key with '/' made a '_' (as matcomp --inputs reads)."""
    return name.replace("/", "_")


def generated(input_specs, examples, seed=0):
    """Seeded feeds of ``examples`` rows for every input (unknown dims: ``examples`` for the first, 1 elsewhere)."""
    rng = np.random.default_rng(seed)
    feeds = {}
    for name in sorted(input_specs):
        dtype, shape = input_specs[name]
        dims = [examples] if shape is None else [
            (examples if i == 0 else 1) if d is None else d for i, d in enumerate(shape)]
        if np.issubdtype(dtype, np.floating):
            feeds[name] = rng.random(dims).astype(dtype)
        elif np.issubdtype(dtype, np.integer):
            feeds[name] = rng.integers(0, INT_HIGH, size=dims).astype(dtype)
        elif dtype == np.bool_:
            feeds[name] = rng.random(dims) < 0.5
        else:
            raise ValueError(f"cannot generate values for input '{name}' of dtype {np.dtype(dtype).name}: "
                             f"give them in files")
    return feeds


def from_files(path, input_specs, examples=None):
    """Feeds from a directory of ``<input>.npy``, an ``.npz`` with one array per input, or a single ``.npy`` for a
    one-input signature; the first ``examples`` rows when given."""
    if os.path.isdir(path):
        feeds = {}
        for name in input_specs:
            f = os.path.join(path, file_key(name) + ".npy")
            if not os.path.isfile(f):
                raise ValueError(f"{path} has no {file_key(name)}.npy for signature input '{name}'")
            feeds[name] = np.load(f)
    elif path.endswith(".npz"):
        with np.load(path) as z:
            missing = [n for n in input_specs if n not in z.files and file_key(n) not in z.files]
            if missing:
                raise ValueError(f"{path} has no array for signature input(s) {missing} (has {z.files})")
            feeds = {n: z[n] if n in z.files else z[file_key(n)] for n in input_specs}
    else:
        if len(input_specs) != 1:
            raise ValueError(f"{path} is one array but the signature has inputs {sorted(input_specs)}")
        feeds = {next(iter(input_specs)): np.load(path)}
    if examples is not None:
        feeds = {k: v[:examples] for k, v in feeds.items()}
    return feeds


def labels(path):
    """``labels.npy`` of an evaluation directory, or the ``labels`` array of an .npz."""
    if os.path.isdir(path):
        return np.load(os.path.join(path, "labels.npy"))
    with np.load(path) as z:
        return z["labels"]
