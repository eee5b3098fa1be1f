package org.matcomp.demo;

import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.matcomp.operator.Phase;
import org.matcomp.train.StepListener;

/**
 * The loss curve and progress of a replica of a cluster, from the steps it trains: their loss averaged over each
 * {@value TrainingLoop#REPORT_EVERY} of them, and (on the chief) a progress bar at the highest step seen.
 */
final class LossCurve implements StepListener, AutoCloseable {
  private final ProgressBar bar;
  private final List<Double> curve = new ArrayList<>();
  private double sum;
  private int count;
  private long steps;

  LossCurve(long total, boolean progress) {
    this.bar = progress ? TrainingLoop.bar(total) : null;
  }

  @Override
  public void stepped(long step, float loss, Phase phase) {
    sum += loss;
    count++;
    steps++;
    if (count == TrainingLoop.REPORT_EVERY) {
      flush();
    }
    if (bar != null && step + 1 > bar.getCurrent()) {
      bar.stepTo(step + 1);
      bar.setExtraMessage(String.format(" loss %.4f %s", loss, phase.name().toLowerCase()));
    }
  }

  private void flush() {
    if (count > 0) {
      curve.add(sum / count);
    }
    sum = 0;
    count = 0;
  }

  /** How many steps this replica trained. */
  long steps() {
    return steps;
  }

  TrainingLoop.Outcome outcome(Phase finalPhase) {
    flush();
    return new TrainingLoop.Outcome(List.copyOf(curve), finalPhase);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
