package org.matcomp.savedmodel.rewrite;

import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.Factorization;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Method;

/** A factorization assembled by hand in a test, for methods whose compressor is not in this build. */
record TestFactorization(Method method, int rows, int cols, List<Factor> factors, float[] dense)
    implements Factorization {
  @Override
  public FloatMatrix product() {
    return FloatMatrix.of(rows, cols, dense);
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    return x.times(product());
  }
}
