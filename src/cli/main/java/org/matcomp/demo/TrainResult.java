package org.matcomp.demo;

import java.util.List;
import org.matcomp.operator.CompressionReport;

/**
 * What a training run measured. {@code denseAccuracy} is the test accuracy right before the first compression update
 * (NaN for the dense baseline), so the cost of compression is visible within one run.
 */
public record TrainResult(String method, String spec, double accuracy, double denseAccuracy,
    CompressionReport report, long biasParams, long steps, double seconds, String finalPhase,
    List<Double> lossCurve) {
  public TrainResult {
    lossCurve = List.copyOf(lossCurve);
  }
}
