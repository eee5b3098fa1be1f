package org.matcomp.savedmodel;

import java.util.List;

/**
 * One variable to replace: the stored factors that take its place, the top-level variable names they get, and the
 * form that rebuilds what each consumer computed from them. {@code rows}×{@code cols} is the matrix view.
 */
record Replacement(VariableInfo variable, InferenceForm form, List<StoredFactor> factors,
    List<String> factorVariables, int rows, int cols) {
  Replacement {
    factors = List.copyOf(factors);
    factorVariables = List.copyOf(factorVariables);
  }
}
