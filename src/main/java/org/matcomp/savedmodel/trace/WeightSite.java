package org.matcomp.savedmodel.trace;

import java.util.Arrays;

/**
 * One op on the forward path that consumes a variable as its weight: where it lives (top-level graph or a library
 * function), which input carries the weight, and the MatMul transpose flags that decide the product's orientation.
 */
public record WeightSite(VariableInfo variable, ConsumerKind kind, Location location, String consumer,
    int weightInput, boolean transposeA, boolean transposeB) {

  /** The matrix this site multiplies by: the stored shape, a Conv2D filter flattened to (kh·kw·cin)×cout. */
  public int[] matrixShape() {
    return matrixShape(variable, kind);
  }

  static int[] matrixShape(VariableInfo v, ConsumerKind kind) {
    long[] s = v.shape();
    if (s == null || !v.fullyDefined()) {
      return null;
    }
    if (kind == ConsumerKind.CONV2D) {
      return s.length == 4 ? new int[] {Math.toIntExact(s[0] * s[1] * s[2]), Math.toIntExact(s[3])} : null;
    }
    return s.length == 2 ? new int[] {Math.toIntExact(s[0]), Math.toIntExact(s[1])} : null;
  }

  /** For reports: {@code MatMul@graph:MatMul (weight=b, transpose_b)}. */
  public String describe() {
    StringBuilder sb = new StringBuilder(kind.label()).append('@').append(location).append(':').append(consumer);
    if (kind == ConsumerKind.MATMUL) {
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
