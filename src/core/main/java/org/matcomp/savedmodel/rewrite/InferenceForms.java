package org.matcomp.savedmodel.rewrite;

import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Method;
import org.matcomp.spec.Methods;

/** The inference form of each method: its product rule, read by {@link RuleForm}. */
public final class InferenceForms {
  private static final List<InferenceForm> FORMS = Methods.ALL.stream()
      .map(m -> (InferenceForm) new RuleForm(m, m.rule())).toList();

  private InferenceForms() {}

  public static Optional<InferenceForm> forMethod(Method m) {
    if (m instanceof org.matcomp.compressor.compose.ComposedMethod) {
      return Optional.of(new RuleForm(m, m.rule()));
    }
    return FORMS.stream().filter(f -> f.method() == m).findFirst();
  }

  public static List<Method> methods() {
    return FORMS.stream().map(InferenceForm::method).toList();
  }
}
