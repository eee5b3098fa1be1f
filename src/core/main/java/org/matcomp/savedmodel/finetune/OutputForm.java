package org.matcomp.savedmodel.finetune;

/**
 * What a classifier's output holds, which decides how a cross-entropy reads it ({@code --from-logits} /
 * {@code --from-probabilities}). Getting it wrong still trains, only badly: softmax applied twice flattens the
 * gradients, and logits read as probabilities are clipped into nonsense. So it is stated, never guessed.
 */
public enum OutputForm {
  /** Unnormalised scores: the loss applies softmax itself (numerically stable, softmax_cross_entropy_with_logits). */
  LOGITS,
  /** Class probabilities, e.g. after a softmax layer: the loss renormalises, clips to [ε, 1 − ε] and takes the log. */
  PROBABILITIES
}
