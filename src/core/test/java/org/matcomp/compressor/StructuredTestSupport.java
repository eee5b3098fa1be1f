package org.matcomp.compressor;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.matcomp.linalg.FloatMatrix;

/** Shared helpers of the structured-compressor tests: seeded matrices and reference singular values. */
public final class StructuredTestSupport {
  private StructuredTestSupport() {}

  /** The reference unit test's 12×8 matrix: outer([1,2,3,7,8,9,1,2,5,−2,−7,−1], [4,5,6,3,1,8,3,2]). */
  public static final float[] U_REF = {1, 2, 3, 7, 8, 9, 1, 2, 5, -2, -7, -1};
  public static final float[] V_REF = {4, 5, 6, 3, 1, 8, 3, 2};

  public static FloatMatrix referenceMatrix() {
    float[] a = new float[12 * 8];
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 8; j++) {
        a[i * 8 + j] = U_REF[i] * V_REF[j];
      }
    }
    return FloatMatrix.of(12, 8, a);
  }

  public static FloatMatrix gaussian(int m, int n, long seed) {
    Random rnd = new Random(seed);
    float[] v = new float[m * n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return FloatMatrix.of(m, n, v);
  }

  /** Singular values, descending, of a row-major m×n matrix, by EJML in double (an independent path). */
  public static double[] singularValues(double[] a, int m, int n) {
    SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, n, false, false, true);
    if (!svd.decompose(DMatrixRMaj.wrap(m, n, a.clone()))) {
      throw new IllegalStateException("SVD failed");
    }
    double[] s = svd.getSingularValues().clone();
    java.util.Arrays.sort(s);
    for (int i = 0; i < s.length / 2; i++) {
      double t = s[i];
      s[i] = s[s.length - 1 - i];
      s[s.length - 1 - i] = t;
    }
    return s;
  }

  public static double squaredNorm(FloatMatrix a) {
    double n = a.frobeniusNorm();
    return n * n;
  }

  public static double squaredDistance(FloatMatrix a, FloatMatrix b) {
    float[] x = a.copyData();
    float[] y = b.copyData();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double d = (double) x[i] - y[i];
      s += d * d;
    }
    return s;
  }
}
