package org.matcomp.savedmodel;

import java.util.List;
import java.util.Optional;
import org.matcomp.spec.CompressionMethod;

/** The inference form of each method that has one; the one place that maps methods to forms. */
public final class InferenceForms {
  private static final List<InferenceForm> FORMS =
      List.of(new LowRankForm(), new KMeansForm(), new PrunedForm(), new DictionaryForm());

  private InferenceForms() {}

  public static Optional<InferenceForm> forMethod(CompressionMethod m) {
    return FORMS.stream().filter(f -> f.method() == m).findFirst();
  }

  public static List<CompressionMethod> methods() {
    return FORMS.stream().map(InferenceForm::method).toList();
  }
}
