package org.matcomp.savedmodel;

import java.util.Objects;

/** How an export serves its compressed weights: the {@link ServingForm}, and in the fast form {@link SparseExecution}. */
public record ServingOptions(ServingForm form, SparseExecution sparse) {
  /** The fast form, sparse where measured faster at batch 1 and 64. */
  public static final ServingOptions DEFAULT = new ServingOptions(ServingForm.FAST, SparseExecution.DEFAULT);

  public ServingOptions {
    Objects.requireNonNull(form, "form");
    Objects.requireNonNull(sparse, "sparse");
  }

  public ServingOptions withForm(ServingForm f) {
    return new ServingOptions(f, sparse);
  }

  public ServingOptions withSparse(SparseExecution s) {
    return new ServingOptions(form, s);
  }
}
