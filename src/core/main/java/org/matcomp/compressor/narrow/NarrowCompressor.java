package org.matcomp.compressor.narrow;

import java.util.List;
import org.matcomp.compressor.BaseFactorization;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.linalg.FloatMatrix;

/** Stores every entry in the narrower type: 16-bit floats rounded to nearest even, int8 quantised per column. */
final class NarrowCompressor implements MatrixCompressor {
  private final NarrowMethod method;
  private final FactorType type;

  NarrowCompressor(NarrowMethod method, FactorType type) {
    this.method = method;
    this.type = type;
  }

  @Override
  public Method method() {
    return method;
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    return List.of(new FactorSpec(NarrowRule.WEIGHTS, type, new int[] {rows, cols}, true));
  }

  @Override
  public Factorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    Factor w = Factor.ofFloats(layout(name, a.rows(), a.cols()).get(0), a.copyData());
    return new Stored(method, w, a.rows(), a.cols()).requireFinite(name);
  }

  @Override
  public String toString() {
    return method.name() + " compressor (" + type + ")";
  }

  /** The weights as stored: the product is the factor itself. */
  private static final class Stored extends BaseFactorization {
    private final Factor weights;

    Stored(Method method, Factor weights, int rows, int cols) {
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
