package org.matcomp.train;

import org.matcomp.operator.Phase;

/** Told of each training step as it ends (progress bars, benchmarks' windows). */
@FunctionalInterface
public interface StepListener {
  /** Step {@code step} (0-based) ran in {@code phase} with mini-batch loss {@code loss}. */
  void stepped(long step, float loss, Phase phase);
}
