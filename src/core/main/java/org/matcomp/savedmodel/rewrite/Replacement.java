package org.matcomp.savedmodel.rewrite;

import java.util.List;
import org.matcomp.savedmodel.trace.VariableInfo;

/**
 * One variable to replace: the stored factors that take its place, the top-level variable names they get, and the
 * form that rebuilds what each consumer computed from them. {@code rows}×{@code cols} is the matrix view.
 */
public record Replacement(VariableInfo variable, InferenceForm form, List<StoredFactor> factors,
    List<String> factorVariables, int rows, int cols) {
  public Replacement {
    factors = List.copyOf(factors);
    factorVariables = List.copyOf(factorVariables);
  }
}
