package org.matcomp.linalg;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Comparator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The leading k eigenpairs of a small symmetric positive semi-definite matrix (a Gram matrix of block rows or
 * columns), in double precision. The structured fits only ever decompose block-sized Gram matrices (block size ×
 * block size, or the number of blocks squared), so an exact dense solver is both fast and exact.
 *
 * <p>Signs are fixed (the entry of largest magnitude of each vector is positive) so that fits are reproducible.
 */
public final class TopEigenvectors {
  /** n×k, column j the j-th eigenvector by descending eigenvalue. */
  public final double[] vectors;
  /** The k leading eigenvalues, descending, clamped at 0 (rounding can make a PSD Gram slightly negative). */
  public final double[] values;
  public final int n;
  public final int k;

  private TopEigenvectors(double[] vectors, double[] values, int n, int k) {
    this.vectors = vectors;
    this.values = values;
    this.n = n;
    this.k = k;
  }

  public static TopEigenvectors of(double[] gram, int n, int k) {
    checkArgument(gram.length == n * n, "Gram matrix has %s entries, not %s²", gram.length, n);
    checkArgument(k >= 1 && k <= n, "%s eigenvectors of a %sx%s matrix", k, n, n);
    DMatrixRMaj g = DMatrixRMaj.wrap(n, n, gram.clone());
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
    if (!eig.decompose(g)) {
      throw new IllegalStateException("symmetric eigendecomposition of a " + n + "x" + n + " Gram matrix failed");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -eig.getEigenvalue(i).getReal()));
    double[] vectors = new double[n * k];
    double[] values = new double[k];
    for (int j = 0; j < k; j++) {
      int src = order[j];
      values[j] = Math.max(0, eig.getEigenvalue(src).getReal());
      DMatrixRMaj v = eig.getEigenVector(src);
      int argmax = 0;
      for (int i = 1; i < n; i++) {
        if (Math.abs(v.data[i]) > Math.abs(v.data[argmax])) {
          argmax = i;
        }
      }
      double sign = v.data[argmax] < 0 ? -1 : 1;
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += v.data[i] * v.data[i];
      }
      double scale = sign / Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        vectors[i * k + j] = v.data[i] * scale;
      }
    }
    return new TopEigenvectors(vectors, values, n, k);
  }

  public double valueSum() {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s;
  }
}
