package org.matcomp.savedmodel.trace;

import java.util.List;

/**
 * A variable used as a weight on the forward path, seen as the rows×cols matrix its consumers multiply by, with
 * every use of it and the problems (if any) that keep it from being compressed.
 */
public record WeightMatrix(VariableInfo variable, List<WeightSite> sites, VariableUses uses, int rows, int cols,
    List<String> problems, List<String> readers) {
  public WeightMatrix {
    sites = List.copyOf(sites);
    problems = List.copyOf(problems);
    readers = List.copyOf(readers);
  }

  /**
   * For reports: the rewritable consumers ({@code MatMul@fn:node (x·W)}), or for a weight no form replaces, the ops
   * that read it ({@code Einsum@fn:node}).
   */
  public List<String> consumers() {
    return sites.isEmpty() ? readers : sites.stream().map(WeightSite::describe).toList();
  }

  public String name() {
    return variable.name();
  }

  public boolean compressible() {
    return problems.isEmpty();
  }

  /** The values of the variable (row-major in its own shape) as the matrix its consumers multiply by. */
  public float[] matrixValues(float[] values) {
    return sites.isEmpty() || sites.get(0).view().view() == null ? values
        : sites.get(0).view().view().toMatrix(values, variable.shape());
  }

  /** The inverse of {@link #matrixValues}: a matrix back in the variable's own layout. */
  public float[] variableValues(float[] matrix) {
    return sites.isEmpty() || sites.get(0).view().view() == null ? matrix
        : sites.get(0).view().view().fromMatrix(matrix, variable.shape());
  }

  public long denseBytes() {
    return 4L * rows * cols;
  }
}
