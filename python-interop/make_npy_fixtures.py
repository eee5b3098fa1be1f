#!/usr/bin/env python3
"""Writes the tiny .npy fixtures that pin org.matcomp.io.Npy to NumPy's own byte format.

Regenerate (from the project root, in the project's environment: python-interop/setup-venv.sh):
    python-interop/.venv/bin/python python-interop/make_npy_fixtures.py
Output goes to testdata/npy/. NpyTest reads every file and checks that Npy writes the
float32/int32/uint8/int64 ones back byte for byte, so the values below are repeated there.
The version-2.0/3.0 fixtures are written with numpy.lib.format's explicit-version writer,
since np.save only picks them for huge headers or non-latin1 field names.
"""
import os

import numpy as np
from numpy.lib import format as npformat

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "npy")


def save(name, arr):
    np.save(os.path.join(OUT, name), arr)


def save_version(name, arr, version):
    with open(os.path.join(OUT, name), "wb") as f:
        npformat.write_array(f, arr, version=version)


def main():
    os.makedirs(OUT, exist_ok=True)
    f4 = np.array([[1.5, -2.0, 3.25], [0.0, 1e-3, -7.0]], dtype="<f4")
    save("f4_2x3.npy", f4)
    save("f4_1d.npy", np.array([0.5, -1.0, 2.0, 1e30], dtype="<f4"))
    save("f8_3x2_fortran.npy", np.asfortranarray(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, -6.5]], dtype="<f8")))
    save("i4_2x2.npy", np.array([[1, -2], [2147483647, -2147483648]], dtype="<i4"))
    save("i4_1d.npy", np.array([7, -1, 0], dtype="<i4"))
    save("u1_2x3.npy", np.array([[0, 1, 127], [128, 254, 255]], dtype="|u1"))
    save("i8_1d.npy", np.array([1, -1, 9223372036854775807, -9223372036854775808], dtype="<i8"))
    save("i2_1d.npy", np.array([1, -2, 32767, -32768], dtype="<i2"))
    save("b1_1d.npy", np.array([True, False, True], dtype="|b1"))
    save("be_f4_2x2.npy", np.array([[1.0, -2.5], [3.0, 0.125]], dtype=">f4"))
    save("be_f8_1d.npy", np.array([1.0, -2.5], dtype=">f8"))
    save("f4_0x3.npy", np.zeros((0, 3), dtype="<f4"))
    save_version("f4_2x3_v2.npy", f4, (2, 0))
    save_version("f4_2x3_v3.npy", f4, (3, 0))


if __name__ == "__main__":
    main()
