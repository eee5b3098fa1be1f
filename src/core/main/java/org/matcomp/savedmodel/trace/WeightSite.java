package org.matcomp.savedmodel.trace;

import java.util.Arrays;

/**
 * One op on the forward path that consumes a variable as its weight: where it lives (top-level graph or a library
 * function), which input carries the weight, and the MatMul transpose flags that decide the product's orientation.
 */
public record WeightSite(VariableInfo variable, ConsumerKind kind, Location location, String consumer,
    int weightInput, boolean transposeA, boolean transposeB, MatrixView.Result view) {

  /** The matrix this site multiplies by ({@link MatrixView}), or null with {@code view().problem()} saying why. */
  public int[] matrixShape() {
    return view.view() == null ? null : new int[] {view.view().rows(), view.view().cols()};
  }

  /** For reports: {@code MatMul@graph:MatMul (weight=b, transpose_b)}. */
  public String describe() {
    StringBuilder sb = new StringBuilder(kind.label()).append('@').append(location).append(':').append(consumer);
    if (kind == ConsumerKind.EINSUM && view.view() != null) {
      sb.append(" ('").append(view.view().einsum().withWeight(view.view().einsum().weight())).append("')");
    }
    if (kind == ConsumerKind.MATMUL || kind == ConsumerKind.BATCH_MATMUL) {
      sb.append(weightInput == 1 ? " (x·W" : " (W·x");
      if (transposeA) {
        sb.append(", transpose_a");
      }
      if (transposeB) {
        sb.append(", transpose_b");
      }
      sb.append(')');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return variable.name() + Arrays.toString(variable.shape()) + " <- " + describe();
  }
}
