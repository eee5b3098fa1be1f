package org.matcomp.savedmodel.autoplan;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.matcomp.savedmodel.finetune.Loss;

/**
 * What {@code compress --target-ratio R --eval DATA --max-drop D} asks: the whole model's weight matrices R times
 * smaller with the metric on DATA (accuracy in points, or mean squared error in percent) dropping by at most D.
 * Sensitivity is probed on the first {@code probeExamples} examples; the whole of DATA verifies the plan.
 */
public record AutoPlanOptions(double targetRatio, double maxDrop, Path evalData, Loss.Kind loss,
    Optional<String> output, String signature, int probeExamples) {
  public AutoPlanOptions {
    checkArgument(targetRatio > 1 && Double.isFinite(targetRatio), "--target-ratio %s must be above 1 (the ratio"
        + " of dense to compressed weight bytes)", targetRatio);
    checkArgument(maxDrop >= 0 && Double.isFinite(maxDrop), "--max-drop %s must be a non-negative number", maxDrop);
    Objects.requireNonNull(evalData, "evalData");
    checkArgument(probeExamples > 0, "probe examples %s must be positive", probeExamples);
  }

  public static AutoPlanOptions of(double targetRatio, double maxDrop, Path evalData) {
    return new AutoPlanOptions(targetRatio, maxDrop, evalData, Loss.Kind.SPARSE_CATEGORICAL, Optional.empty(),
        "serving_default", 10000);
  }

  public AutoPlanOptions withLoss(Loss.Kind k) {
    return new AutoPlanOptions(targetRatio, maxDrop, evalData, k, output, signature, probeExamples);
  }

  public AutoPlanOptions withOutput(Optional<String> o) {
    return new AutoPlanOptions(targetRatio, maxDrop, evalData, loss, o, signature, probeExamples);
  }
}
