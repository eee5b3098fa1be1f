package org.matcomp.savedmodel;

import java.util.List;
import java.util.Map;
import org.matcomp.savedmodel.rewrite.StoredFactor;
import org.matcomp.savedmodel.trace.WeightMatrix;

/**
 * What happened to one weight matrix: compressed (with its stored factors, sizes and reconstruction error) or left
 * dense (with the reason).
 *
 * @param variableShape the variable's own shape (rows×cols is how its consumers see it as a matrix)
 * @param relError ‖A − B⊗C‖_F / ‖A‖_F, NaN when left dense
 * @param diagnostics the method's own figures (e.g. {@code rank})
 */
public record MatrixOutcome(String name, int rows, int cols, long[] variableShape, String method, boolean compressed,
    String reason, long bytesBefore, long bytesAfter, long paramsBefore, long paramsAfter, double relError,
    Map<String, Double> diagnostics, List<StoredFactor> factors, List<String> consumers) {

  public static MatrixOutcome dense(WeightMatrix m, String reason) {
    long p = (long) m.rows() * m.cols();
    return new MatrixOutcome(m.name(), m.rows(), m.cols(), m.variable().shape(), "none", false, reason,
        m.denseBytes(), m.denseBytes(), p, p, Double.NaN, Map.of(), List.of(), m.consumers());
  }
}
