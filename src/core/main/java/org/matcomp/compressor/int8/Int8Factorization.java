package org.matcomp.compressor.int8;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.BaseFactorization;
import org.matcomp.linalg.FloatMatrix;

/** 8-bit codes (q + 128) and the scales they are read with: W_ij = (code_ij − 128)·scale_j. */
public final class Int8Factorization extends BaseFactorization {
  private final Factor codes;
  private final Factor scales;

  Int8Factorization(Factor codes, Factor scales, int rows, int cols) {
    super(Int8Method.INSTANCE, rows, cols);
    this.codes = codes;
    this.scales = scales;
  }

  @Override
  public List<Factor> factors() {
    return List.of(codes, scales);
  }

  @Override
  public FloatMatrix product() {
    int[] c = codes.ints();
    float[] s = scales.floats();
    float[] w = new float[rows() * cols()];
    for (int i = 0; i < rows(); i++) {
      for (int j = 0; j < cols(); j++) {
        w[i * cols() + j] = (c[i * cols() + j] - Int8Rule.ZERO_POINT) * s[s.length == 1 ? 0 : j];
      }
    }
    return FloatMatrix.adopt(rows(), cols(), w);
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    checkArgument(x.cols() == rows(), "input has %s columns, the matrix %s rows", x.cols(), rows());
    return x.times(product());
  }
}
