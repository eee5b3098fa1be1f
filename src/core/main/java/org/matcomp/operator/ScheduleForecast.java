package org.matcomp.operator;

import static com.google.common.base.Preconditions.checkArgument;

import org.matcomp.compressor.prune.SparsitySchedule;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.UpdateOption;
import org.matcomp.compressor.prune.PruneMethod;
import org.matcomp.compressor.prune.PruneParameters;

/**
 * What a spec's schedule reaches in a run of {@code steps} steps (steps 0 to steps − 1, as the trainers run them),
 * known from the spec alone before any training: the phase of the last step, and whether the schedule has finished
 * by then — α at 0 for the factor methods, the last mask at the target sparsity for pruning — so that the run yields
 * the compressed model the method's size stands for. Structured methods read their factors from step 0 and always
 * finish.
 *
 * @param finalPhase the phase of the last step
 * @param complete whether the schedule has reached its end state by the last step
 * @param stepsNeeded the smallest run length that completes (−1 if no run length does, e.g. an end step that stops the
 *     updates first); equals {@code steps} or less when complete
 * @param description what happens, for messages: e.g. "α reaches 0 at step 460 (20 updates, every 20 steps from step
 *     80)"
 */
public record ScheduleForecast(Phase finalPhase, boolean complete, long stepsNeeded, String description) {
  public static ScheduleForecast of(CompressionSpec spec, long steps) {
    checkArgument(steps > 0, "steps=%s must be positive", steps);
    if (spec.method() == PruneMethod.INSTANCE) {
      return pruning(((PruneParameters) spec.parameters()).schedule(), steps);
    }
    if (spec.method().trainsFromScratch()) {
      return new ScheduleForecast(Phase.COMPRESSED, true, 1, spec.method() + " reads its factors from step 0");
    }
    if (spec.updateOption() == UpdateOption.NONE) {
      return new ScheduleForecast(Phase.DENSE, false, -1, "update_option=3 never updates, so α stays 1 and the"
          + " factors are never read");
    }
    return alpha(new CompressionSchedule(spec), spec, steps);
  }

  private static ScheduleForecast alpha(CompressionSchedule schedule, CompressionSpec spec, long steps) {
    long needed = schedule.updatesBehind(0f);
    long last = CompressionSchedule.NEVER;
    long count = 0;
    long inRun = 0;
    long begin = spec.beginCompressionStep();
    long end = spec.endCompressionStep();
    while (count < needed) {
      long t = Math.max(begin, last + spec.compressionFrequency());
      if (end >= 0 && t > end) {
        break;
      }
      last = t;
      count++;
      if (t < steps) {
        inRun = count;
      }
    }
    float alpha = schedule.alphaAfter(inRun);
    Phase phase = Phase.ofAlpha(alpha);
    String plan = String.format("%d updates every %d steps from step %d", needed, spec.compressionFrequency(),
        Math.max(begin, spec.compressionFrequency() - 1));
    if (count < needed) {
      return new ScheduleForecast(phase, false, -1, String.format("α never reaches 0: end_compression_step=%d stops"
          + " the updates after %d of the %s", end, count, plan));
    }
    String reach = String.format("α reaches 0 at step %d (%s)", last, plan);
    return new ScheduleForecast(phase, phase == Phase.COMPRESSED, last + 1, phase == Phase.COMPRESSED ? reach
        : reach + String.format(", after the last step %d: the run would end %s", steps - 1,
            phase == Phase.DENSE ? "before compression starts" : String.format("blending (α = %.2f)", alpha)));
  }

  private static ScheduleForecast pruning(SparsitySchedule s, long steps) {
    long last = SparsitySchedule.INITIAL_LAST_MASK_UPDATE_STEP;
    long masks = 0;
    double sparsity = 0;
    long reached = -1;
    // Mask updates fire at most every pruning_frequency steps, so this loop is short even for long runs.
    for (long t = Math.max(s.beginPruningStep(), last + s.pruningFrequency()); s.inPruningRange(t);
        t = Math.max(t + 1, last + s.pruningFrequency())) {
      if (!s.isMaskUpdateStep(t, last)) {
        continue;
      }
      last = t;
      double at = s.sparsityAt(t);
      if (t < steps) {
        masks++;
        sparsity = at;
      }
      if (at >= s.targetSparsity() - 1e-12) {
        reached = t;
        break;
      }
    }
    Phase phase = masks > 0 ? Phase.COMPRESSED : Phase.DENSE;
    String plan = String.format("masks every %d steps from step %d, ramping to %.4g by step %d",
        s.pruningFrequency(), s.beginPruningStep(), s.targetSparsity(), s.sparsityFunctionEndStep());
    if (reached < 0) {
      return new ScheduleForecast(phase, false, -1, String.format("the target sparsity %.4g is never reached: no mask"
          + " update at or after step %d falls in the pruning window (%s)", s.targetSparsity(),
          s.sparsityFunctionEndStep(), plan));
    }
    boolean complete = reached < steps;
    String reach = String.format("the target sparsity is reached at step %d (%s)", reached, plan);
    return new ScheduleForecast(phase, complete, reached + 1, complete ? reach
        : reach + String.format(", after the last step %d: the run would end %s", steps - 1,
            masks == 0 ? "before the first mask" : String.format("at sparsity %.4g", sparsity)));
  }
}
