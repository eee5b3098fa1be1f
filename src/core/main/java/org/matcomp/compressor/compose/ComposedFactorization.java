package org.matcomp.compressor.compose;

import java.util.List;
import java.util.Map;
import org.matcomp.compressor.BaseFactorization;
import org.matcomp.compressor.ExprEvaluator;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.linalg.FloatMatrix;

/**
 * The stored factors of a composition; its product is the composed rule evaluated on the host over them, so it is the
 * coded matrix that graphs and exports compute, not the first method's uncoded one.
 */
final class ComposedFactorization extends BaseFactorization {
  private final List<Factor> factors;
  private final Map<String, Double> diagnostics;
  private FloatMatrix product;

  ComposedFactorization(ComposedMethod method, int rows, int cols, List<Factor> factors,
      Map<String, Double> diagnostics) {
    super(method, rows, cols);
    this.factors = List.copyOf(factors);
    this.diagnostics = Map.copyOf(diagnostics);
  }

  @Override
  public List<Factor> factors() {
    return factors;
  }

  @Override
  public synchronized FloatMatrix product() {
    if (product == null) {
      FactorLayout layout = new FactorLayout(rows(), cols(), factors.stream().map(Factor::spec).toList());
      product = ExprEvaluator.matrix(method().rule().dense(layout), factors, rows(), cols());
    }
    return product;
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    return x.times(product());
  }

  @Override
  public Map<String, Double> diagnostics() {
    return diagnostics;
  }
}
