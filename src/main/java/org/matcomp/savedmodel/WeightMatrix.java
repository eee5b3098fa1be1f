package org.matcomp.savedmodel;

import java.util.List;

/**
 * A variable used as a weight on the forward path, seen as the rows×cols matrix its consumers multiply by, with
 * every use of it and the problems (if any) that keep it from being compressed.
 */
public record WeightMatrix(VariableInfo variable, List<WeightSite> sites, VariableUses uses, int rows, int cols,
    List<String> problems) {
  public WeightMatrix {
    sites = List.copyOf(sites);
    problems = List.copyOf(problems);
  }

  public String name() {
    return variable.name();
  }

  public boolean compressible() {
    return problems.isEmpty();
  }

  public long denseBytes() {
    return 4L * rows * cols;
  }
}
