package org.matcomp.compressor.dictionary;

/**
 * The normal equations of the MOD dictionary step for a code Z of signals X: A = ZᵀZ (atoms × atoms), B = ZᵀX
 * (atoms × dim) and how many rows use each atom. Kept up to date by adding and subtracting the rows whose codes
 * change, so an iteration that re-codes a subset of the rows costs work in that subset only. One instance per thread
 * during a pass, summed after it.
 */
final class NormalEquations {
  final double[][] a;
  final double[][] b;
  final int[] uses;
  private final int atoms;
  private final int dim;

  NormalEquations(int atoms, int dim) {
    this(new double[atoms][atoms], new double[atoms][dim], new int[atoms]);
  }

  private NormalEquations(double[][] a, double[][] b, int[] uses) {
    this.a = a;
    this.b = b;
    this.uses = uses;
    this.atoms = a.length;
    this.dim = b.length == 0 ? 0 : b[0].length;
  }

  /** Adds sign × the share of row x (its code: slots [base, base + count)). */
  void add(double[] x, int base, int[] indices, double[] values, int count, int sign) {
    for (int s = 0; s < count; s++) {
      int i = indices[base + s];
      double v = sign * values[base + s];
      Kernels.axpy(v, x, b[i], dim);
      double[] ai = a[i];
      for (int t = 0; t < count; t++) {
        ai[indices[base + t]] += v * values[base + t];
      }
      uses[i] += sign;
    }
  }

  void plus(NormalEquations other) {
    for (int i = 0; i < atoms; i++) {
      Kernels.axpy(1.0, other.a[i], a[i], atoms);
      Kernels.axpy(1.0, other.b[i], b[i], dim);
      uses[i] += other.uses[i];
    }
  }

  NormalEquations copy() {
    double[][] ac = new double[atoms][];
    double[][] bc = new double[atoms][];
    for (int i = 0; i < atoms; i++) {
      ac[i] = a[i].clone();
      bc[i] = b[i].clone();
    }
    return new NormalEquations(ac, bc, uses.clone());
  }
}
