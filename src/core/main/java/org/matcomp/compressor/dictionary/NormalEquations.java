package org.matcomp.compressor.dictionary;

/**
 * The normal equations of the MOD dictionary step for a code Z of signals X: A = ZᵀZ (atoms × atoms), B = ZᵀX
 * (atoms × dim) and how many rows use each atom, built row by row from the code.
 */
final class NormalEquations {
  final double[][] a;
  final double[][] b;
  final int[] uses;
  private final int atoms;
  private final int dim;

  private NormalEquations(int atoms, int dim) {
    this.a = new double[atoms][atoms];
    this.b = new double[atoms][dim];
    this.uses = new int[atoms];
    this.atoms = atoms;
    this.dim = dim;
  }

  /** Row ranges summed separately (in parallel), then added in order: fixed, so sums do not depend on threads. */
  static final int CHUNKS = 2;

  /**
   * The normal equations of a code (slots [r·k, r·k + counts[r]) of row r) for signals x (n × dim, row-major):
   * rows in order within each of {@link #CHUNKS} fixed ranges, the ranges' sums added in order. The native learner
   * computes the same sums in the same order.
   */
  static NormalEquations ofCode(float[] x, int n, int dim, int atoms, int k, int[] indices, double[] values,
      int[] counts) {
    NormalEquations[] parts = new NormalEquations[CHUNKS];
    Workers.forRanges(CHUNKS, 1, () -> new double[dim], (row, from, to) -> {
      for (int c = from; c < to; c++) {
        NormalEquations part = new NormalEquations(atoms, dim);
        int end = (int) ((long) n * (c + 1) / CHUNKS);
        for (int r = (int) ((long) n * c / CHUNKS); r < end; r++) {
          Kernels.widen(x, r * dim, row, dim);
          part.add(row, r * k, indices, values, counts[r]);
        }
        parts[c] = part;
      }
    });
    for (int c = 1; c < CHUNKS; c++) {
      parts[0].plus(parts[c]);
    }
    return parts[0];
  }

  /** Adds the share of row x, whose code is the slots [base, base + count). */
  private void add(double[] x, int base, int[] indices, double[] values, int count) {
    for (int s = 0; s < count; s++) {
      int i = indices[base + s];
      double v = values[base + s];
      Kernels.axpy(v, x, b[i], dim);
      double[] ai = a[i];
      for (int t = 0; t < count; t++) {
        ai[indices[base + t]] += v * values[base + t];
      }
      uses[i]++;
    }
  }

  private void plus(NormalEquations other) {
    for (int i = 0; i < atoms; i++) {
      Kernels.axpy(1.0, other.a[i], a[i], atoms);
      Kernels.axpy(1.0, other.b[i], b[i], dim);
      uses[i] += other.uses[i];
    }
  }
}
