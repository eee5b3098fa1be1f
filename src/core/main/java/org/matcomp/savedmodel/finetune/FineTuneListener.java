package org.matcomp.savedmodel.finetune;

import org.matcomp.operator.Phase;
import org.matcomp.train.StepListener;

/** What a fine-tuning run tells its caller as it goes (the CLI draws a progress bar from it). */
public interface FineTuneListener extends StepListener {
  /** A listener that ignores everything. */
  FineTuneListener NONE = new FineTuneListener() {};

  @Override
  default void stepped(long step, float loss, Phase phase) {}

  /** The model as it stands was evaluated: {@code what} names the moment, {@code metric} is the eval set's. */
  default void evaluated(String what, String metricName, double metric) {}

  /** Something the user should know as it happens (a cluster replica reconnecting, a checkpoint restored). */
  default void noted(String line) {}
}
