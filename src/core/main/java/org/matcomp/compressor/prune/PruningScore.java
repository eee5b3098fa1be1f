package org.matcomp.compressor.prune;

/**
 * What makes an entry worth keeping: a non-negative score per entry, larger kept. One instance serves one matrix;
 * the stateful scores (weight-change proxies, gradient saliency) bind to that matrix's shape on first use.
 *
 * <p>The training loop calls {@link #observeStep} once per step (only scores that {@link #needsLossGradient()} care)
 * and {@link #scoresAtMaskUpdate} at each step the schedule marks as a mask update.
 */
public interface PruningScore {
  /**
   * The scores for a mask update with the current weights {@code w} (row-major m×n). Stateful scores advance their
   * state here, once per mask update, as the reference does inside its mask-update op; call it once per update.
   *
   * @throws IllegalArgumentException naming {@code matrix} for a wrong shape or non-finite weights
   */
  float[] scoresAtMaskUpdate(String matrix, float[] w, int rows, int cols);

  /** Whether {@link #observeStep} needs the loss gradient each training step. */
  default boolean needsLossGradient() {
    return false;
  }

  /** Sees one training step's weights and ∂L/∂w; scores that do not use gradients ignore it. */
  default void observeStep(String matrix, float[] w, float[] lossGradient, int rows, int cols) {}
}
