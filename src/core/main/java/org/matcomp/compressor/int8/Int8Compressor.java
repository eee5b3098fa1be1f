package org.matcomp.compressor.int8;

import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.linalg.FloatMatrix;

/**
 * Symmetric linear quantisation to 8 bits: scale_j = max_i |A_ij| / 127 for each column j (the output channel of
 * x·A), q_ij = round(A_ij / scale_j) in [−127, 127], stored as q + 128 in an unsigned byte. An all-zero column gets
 * scale 1 (its codes are all 0 anyway). The error of an entry is at most scale_j / 2.
 */
public final class Int8Compressor implements MatrixCompressor {
  private final Int8Parameters parameters;

  Int8Compressor(Int8Parameters parameters) {
    this.parameters = parameters;
  }

  @Override
  public Method method() {
    return Int8Method.INSTANCE;
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    return List.of(new FactorSpec(Int8Rule.CODES, FactorType.UINT8, new int[] {rows, cols}, false),
        FactorSpec.trainableFloat(Int8Rule.SCALES, parameters.perTensor() ? 1 : cols));
  }

  @Override
  public Factorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    int rows = a.rows();
    int cols = a.cols();
    float[] scales = new float[parameters.perTensor() ? 1 : cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        int s = parameters.perTensor() ? 0 : j;
        scales[s] = Math.max(scales[s], Math.abs(a.get(i, j)));
      }
    }
    for (int s = 0; s < scales.length; s++) {
      scales[s] = scales[s] == 0 ? 1f : scales[s] / 127f;
    }
    int[] codes = new int[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        float scale = scales[parameters.perTensor() ? 0 : j];
        int q = Math.round(a.get(i, j) / scale);
        codes[i * cols + j] = Math.max(-127, Math.min(127, q)) + Int8Rule.ZERO_POINT;
      }
    }
    List<FactorSpec> specs = layout(name, rows, cols);
    return new Int8Factorization(Factor.ofInts(specs.get(0), codes), Factor.ofFloats(specs.get(1), scales), rows,
        cols);
  }

  @Override
  public String toString() {
    return "Int8Compressor[perTensor=" + parameters.perTensor() + "]";
  }
}
