package org.matcomp.savedmodel.rewrite;

import java.util.List;
import org.matcomp.savedmodel.trace.MatrixView;
import org.matcomp.savedmodel.trace.VariableInfo;

/**
 * One variable to replace: the stored factors that take its place, the top-level variable names they get, and the
 * form that rebuilds what each consumer computed from them. {@code rows}×{@code cols} is the matrix view, {@code
 * view} how it maps to the variable's own layout (null: as stored).
 */
public record Replacement(VariableInfo variable, InferenceForm form, List<StoredFactor> factors,
    List<String> factorVariables, int rows, int cols, MatrixView view) {
  public Replacement {
    factors = List.copyOf(factors);
    factorVariables = List.copyOf(factorVariables);
  }

  /** A replacement of a weight its consumers read as stored. */
  public Replacement(VariableInfo variable, InferenceForm form, List<StoredFactor> factors,
      List<String> factorVariables, int rows, int cols) {
    this(variable, form, factors, factorVariables, rows, cols, null);
  }
}
