package org.matcomp.compressor.halfprecision;

import java.util.List;
import org.matcomp.compressor.BaseFactorization;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.linalg.FloatMatrix;

/** Rounds every entry to the nearest 16-bit float of the method's type (ties to even, as TF's Cast). */
final class HalfPrecisionCompressor implements MatrixCompressor {
  private final HalfPrecisionMethod method;

  HalfPrecisionCompressor(HalfPrecisionMethod method) {
    this.method = method;
  }

  @Override
  public Method method() {
    return method;
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    return List.of(new FactorSpec(HalfPrecisionRule.WEIGHTS, method.type(), new int[] {rows, cols}, true));
  }

  @Override
  public Factorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    Factor w = Factor.ofFloats(layout(name, a.rows(), a.cols()).get(0), a.copyData());
    return new Rounded(method, w, a.rows(), a.cols()).requireFinite(name);
  }

  @Override
  public String toString() {
    return method.name() + " compressor";
  }

  /** The rounded weights: the product is the factor itself. */
  private static final class Rounded extends BaseFactorization {
    private final Factor weights;

    Rounded(Method method, Factor weights, int rows, int cols) {
      super(method, rows, cols);
      this.weights = weights;
    }

    @Override
    public List<Factor> factors() {
      return List.of(weights);
    }

    @Override
    public FloatMatrix product() {
      return FloatMatrix.adopt(rows(), cols(), weights.floats());
    }

    @Override
    public FloatMatrix applyTo(FloatMatrix x) {
      return x.times(product());
    }
  }
}
