package org.matcomp.compressor;

import java.util.List;
import java.util.Map;
import org.matcomp.linalg.FloatMatrix;

/**
 * A factorization stored in other factors that mean the same matrix (positions as gaps instead of a bitmap, say):
 * the original's method, shape, product and figures, the new factors.
 */
public final class RecodedFactorization extends BaseFactorization {
  private final List<Factor> factors;
  private final FloatMatrix product;
  private final Map<String, Double> diagnostics;

  public RecodedFactorization(Factorization original, List<Factor> factors, FloatMatrix product) {
    super(original.method(), original.rows(), original.cols());
    this.factors = List.copyOf(factors);
    this.product = product;
    this.diagnostics = Map.copyOf(original.diagnostics());
  }

  @Override
  public List<Factor> factors() {
    return factors;
  }

  @Override
  public FloatMatrix product() {
    return product;
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    return x.times(product);
  }

  @Override
  public Map<String, Double> diagnostics() {
    return diagnostics;
  }
}
