package org.matcomp.linalg;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The leading {@code r} singular triplets of an m×n matrix: U (m×r), s (r, descending), Vᵀ (r×n).
 *
 * <p>Small or nearly full-rank problems use EJML's exact SVD in double precision, so the truncation error is the
 * Eckart–Young optimum to float precision. A large matrix with r ≪ min(m, n) uses randomized subspace iteration
 * (Halko, Martinsson &amp; Tropp 2011, Alg. 4.4): an exact SVD of a 4096² matrix in Java takes minutes, while the
 * randomized range finder needs a handful of products with A.
 */
public final class TruncatedSvd {
  /** Above this many entries and with r below a tenth of min(m, n), the randomized method is used. */
  static final long EXACT_LIMIT_ENTRIES = 2_500_000L;
  private static final int OVERSAMPLING = 10;
  private static final int POWER_ITERATIONS = 4;

  private final int rows;
  private final int cols;
  private final int rank;
  private final float[] u;
  private final float[] s;
  private final float[] vt;
  private final boolean exact;

  private TruncatedSvd(int rows, int cols, int rank, float[] u, float[] s, float[] vt, boolean exact) {
    this.rows = rows;
    this.cols = cols;
    this.rank = rank;
    this.u = u;
    this.s = s;
    this.vt = vt;
    this.exact = exact;
  }

  /** Computes the leading {@code r} triplets of {@code a} (m×n row-major), seeded for reproducibility. */
  public static TruncatedSvd compute(float[] a, int m, int n, int r, long seed) {
    checkArgument(a.length == (long) m * n, "matrix has %s entries, shape %sx%s", a.length, m, n);
    int d = Math.min(m, n);
    checkArgument(r >= 1 && r <= d, "rank %s must be in [1, min(%s, %s)]", r, m, n);
    boolean randomized = (long) m * n > EXACT_LIMIT_ENTRIES && r + OVERSAMPLING < d / 10;
    return randomized ? randomized(a, m, n, r, seed) : exact(a, m, n, r);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public int rank() {
    return rank;
  }

  /** U, m×r row-major (copy). */
  public float[] u() {
    return u.clone();
  }

  /** Singular values, descending (copy). */
  public float[] singularValues() {
    return s.clone();
  }

  /** Vᵀ, r×n row-major (copy). */
  public float[] vt() {
    return vt.clone();
  }

  /** Whether the exact decomposition was used (the randomized one is accurate only up to its convergence). */
  public boolean isExact() {
    return exact;
  }

  private static TruncatedSvd exact(float[] a, int m, int n, int r) {
    DMatrixRMaj mat = toDouble(a, m, n);
    SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, n, true, true, true);
    if (!svd.decompose(mat)) {
      throw new ArithmeticException("SVD of a " + m + "x" + n + " matrix did not converge");
    }
    DMatrixRMaj uMat = svd.getU(null, false);
    DMatrixRMaj w = svd.getW(null);
    DMatrixRMaj vtMat = svd.getV(null, true);
    SingularOps_DDRM.descendingOrder(uMat, false, w, vtMat, true);
    return truncate(uMat, w, vtMat, m, n, r, true);
  }

  private static TruncatedSvd randomized(float[] a, int m, int n, int r, long seed) {
    int l = r + OVERSAMPLING;
    Random rnd = new Random(seed);
    float[] omega = new float[n * l];
    for (int i = 0; i < omega.length; i++) {
      omega[i] = (float) rnd.nextGaussian();
    }
    float[] q = orthonormalColumns(Gemm.multiply(a, m, n, omega, l), m, l);
    float[] aT = null;
    for (int it = 0; it < POWER_ITERATIONS; it++) {
      // Z = Aᵀ Q computed as (Qᵀ A)ᵀ so that only l-wide matrices are transposed.
      float[] qtA = Gemm.multiply(transpose(q, m, l), l, m, a, n);
      float[] z = orthonormalColumns(transpose(qtA, l, n), n, l);
      q = orthonormalColumns(Gemm.multiply(a, m, n, z, l), m, l);
    }
    float[] small = Gemm.multiply(transpose(q, m, l), l, m, a, n); // l×n
    DMatrixRMaj smallMat = toDouble(small, l, n);
    SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(l, n, true, true, true);
    if (!svd.decompose(smallMat)) {
      throw new ArithmeticException("SVD of the " + l + "x" + n + " sketch did not converge");
    }
    DMatrixRMaj uSmall = svd.getU(null, false);
    DMatrixRMaj w = svd.getW(null);
    DMatrixRMaj vtMat = svd.getV(null, true);
    SingularOps_DDRM.descendingOrder(uSmall, false, w, vtMat, true);
    DMatrixRMaj uMat = new DMatrixRMaj(m, uSmall.numCols);
    CommonOps_DDRM.mult(toDouble(q, m, l), uSmall, uMat);
    return truncate(uMat, w, vtMat, m, n, r, false);
  }

  private static TruncatedSvd truncate(DMatrixRMaj uMat, DMatrixRMaj w, DMatrixRMaj vtMat, int m, int n, int r,
      boolean exact) {
    float[] u = new float[m * r];
    float[] s = new float[r];
    float[] vt = new float[r * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < r; j++) {
        u[i * r + j] = (float) uMat.get(i, j);
      }
    }
    for (int j = 0; j < r; j++) {
      s[j] = (float) w.get(j, j);
      for (int c = 0; c < n; c++) {
        vt[j * n + c] = (float) vtMat.get(j, c);
      }
    }
    return new TruncatedSvd(m, n, r, u, s, vt, exact);
  }

  private static float[] orthonormalColumns(float[] y, int m, int l) {
    QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m, l);
    if (!qr.decompose(toDouble(y, m, l))) {
      throw new ArithmeticException("QR of a " + m + "x" + l + " sketch failed");
    }
    DMatrixRMaj q = qr.getQ(null, true);
    float[] out = new float[m * l];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) q.data[i];
    }
    return out;
  }

  private static float[] transpose(float[] x, int m, int n) {
    float[] t = new float[x.length];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        t[j * m + i] = x[i * n + j];
      }
    }
    return t;
  }

  private static DMatrixRMaj toDouble(float[] x, int m, int n) {
    DMatrixRMaj d = new DMatrixRMaj(m, n);
    for (int i = 0; i < x.length; i++) {
      d.data[i] = x[i];
    }
    return d;
  }
}
