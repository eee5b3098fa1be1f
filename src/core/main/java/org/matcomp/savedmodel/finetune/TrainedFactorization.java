package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.Method;
import org.matcomp.linalg.FloatMatrix;

/**
 * The factors a compressed weight holds after fine-tuning, with the product the training graph computed from them.
 * A compressor's own factorisations derive the product from the factors in Java; trained factors come out of a
 * session, where the graph's product rule has already rebuilt W, so that product is taken as it is rather than
 * recomputed by a second interpreter of the same rule.
 */
record TrainedFactorization(Method method, int rows, int cols, List<Factor> factors, FloatMatrix product)
    implements Factorization {
  TrainedFactorization {
    checkArgument(product.rows() == rows && product.cols() == cols, "product is %sx%s, not %sx%s", product.rows(),
        product.cols(), rows, cols);
    factors = List.copyOf(factors);
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    return x.times(product);
  }
}
