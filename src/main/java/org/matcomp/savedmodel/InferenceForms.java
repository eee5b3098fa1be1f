package org.matcomp.savedmodel;

import java.util.List;
import java.util.Optional;
import org.matcomp.spec.CompressionMethod;

/** The inference form of each method: its product rule, read by {@link RuleForm}. */
public final class InferenceForms {
  private static final List<InferenceForm> FORMS = java.util.Arrays.stream(CompressionMethod.values())
      .filter(m -> m != CompressionMethod.NONE)
      .map(m -> (InferenceForm) new RuleForm(m, org.matcomp.compressor.ProductRules.forMethod(m))).toList();

  private InferenceForms() {}

  public static Optional<InferenceForm> forMethod(CompressionMethod m) {
    return FORMS.stream().filter(f -> f.method() == m).findFirst();
  }

  public static List<CompressionMethod> methods() {
    return FORMS.stream().map(InferenceForm::method).toList();
  }
}
