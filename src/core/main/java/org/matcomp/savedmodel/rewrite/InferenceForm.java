package org.matcomp.savedmodel.rewrite;

import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Expr;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.Method;
import org.matcomp.savedmodel.trace.ConsumerKind;

/**
 * How one compression method's product rule runs at inference with stock TensorFlow ops: which variables store the
 * factors, and what replaces each consumer of the original weight. One class per method; a method without one
 * leaves its matrices dense.
 */
public interface InferenceForm {
  Method method();

  /**
   * The variables to export for {@code f}, in the order {@link SiteContext#factor(int)} hands them to
   * {@link #emit}.
   *
   * @throws IllegalArgumentException if {@code f}'s factor layout is not one this form knows (the matrix then
   *     stays dense, with the message as the reason)
   */
  List<StoredFactor> store(Factorization f);

  /** Empty if this form can replace a consumer of {@code kind}, else why not. */
  default Optional<String> unsupported(ConsumerKind kind) {
    return Optional.empty();
  }

  /**
   * Whether every consumer reads a rebuilt W (codebooks, masks, 8- and 16-bit weights), so that materialising W once
   * when the model loads serves faster; factored forms (low-rank) never form W and gain nothing.
   */
  default boolean rebuildsWeight() {
    return false;
  }

  /** W as a rows×cols matrix from the {@code stored} factors (those {@link #store} made). */
  default Expr dense(List<StoredFactor> stored, int rows, int cols) {
    throw new UnsupportedOperationException(method() + " does not rebuild its weight");
  }

  /** Emits nodes computing what the consumer computed from the factors; the last is named as the consumer. */
  void emit(SiteContext site);
}
