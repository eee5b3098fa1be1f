package org.matcomp.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.Phase;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;
import org.matcomp.train.PhasedTrainer;

/**
 * The step loop shared by the training jobs: feed a batch, run {@link PhasedTrainer#step}, average the loss every
 * {@value #REPORT_EVERY} steps, and show step, loss and phase (with α while blending) on a progress bar.
 */
public final class TrainingLoop {
  static final int REPORT_EVERY = 100;

  /** Makes the feeds of one step; the loop closes the tensors after the step. */
  @FunctionalInterface
  public interface BatchSource {
    Map<Operand<?>, Tensor> next(long step);
  }

  /** What the loop saw: the loss averaged per report interval and the phase at the end. */
  public record Outcome(List<Double> lossCurve, Phase finalPhase) {}

  private TrainingLoop() {}

  /**
   * Runs {@code steps} steps. {@code beforeFirstUpdate} is called once, just before the step at which the first
   * compression update fires (so a job can measure the dense model there), if that step is within the run.
   */
  public static Outcome run(Session session, PhasedTrainer trainer, List<CompressedWeight> matrices, long steps,
      BatchSource batches, boolean progress, LongConsumer beforeFirstUpdate) {
    return run(session, trainer, matrices, 0, steps, batches, progress, beforeFirstUpdate, step -> {});
  }

  /**
   * As {@link #run(Session, PhasedTrainer, List, long, BatchSource, boolean, LongConsumer)}, from step
   * {@code firstStep} (a run continuing a stored {@link DensePrefix}), calling {@code beforeStep} before each step.
   */
  public static Outcome run(Session session, PhasedTrainer trainer, List<CompressedWeight> matrices, long firstStep,
      long steps, BatchSource batches, boolean progress, LongConsumer beforeFirstUpdate, LongConsumer beforeStep) {
    long firstUpdate = matrices.stream().mapToLong(CompressedWeight::firstUpdateStep).min().orElse(-1);
    List<Double> curve = new ArrayList<>();
    Phase phase = Phase.DENSE;
    double sum = 0;
    int count = 0;
    try (ProgressBar bar = progress ? bar(steps) : null) {
      if (bar != null) {
        bar.stepTo(firstStep);
      }
      for (long step = firstStep; step < steps; step++) {
        beforeStep.accept(step);
        if (step == firstUpdate) {
          beforeFirstUpdate.accept(step);
        }
        Map<Operand<?>, Tensor> feeds = batches.next(step);
        try {
          PhasedTrainer.StepResult r = trainer.step(session, step, feeds);
          phase = r.phase();
          sum += r.loss();
          count++;
        } finally {
          feeds.values().forEach(Tensor::close);
        }
        if ((step + 1) % REPORT_EVERY == 0 || step + 1 == steps) {
          curve.add(sum / count);
          if (bar != null) {
            bar.stepTo(step + 1);
            bar.setExtraMessage(String.format(" loss %.4f %s", sum / count, label(session, matrices, phase)));
          }
          sum = 0;
          count = 0;
        }
      }
    }
    return new Outcome(curve, phase);
  }

  static ProgressBar bar(long steps) {
    return new ProgressBarBuilder().setTaskName("train").setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500).continuousUpdate().build();
  }

  private static String label(Session s, List<CompressedWeight> matrices, Phase phase) {
    if (phase != Phase.BLENDING || matrices.isEmpty() || matrices.get(0).alpha().isEmpty()) {
      return phase.name().toLowerCase();
    }
    try (var r = s.runner().fetch(matrices.get(0).alpha().get()).run()) {
      return String.format("blending α=%.2f", ((TFloat32) r.get(0)).getFloat());
    }
  }
}
