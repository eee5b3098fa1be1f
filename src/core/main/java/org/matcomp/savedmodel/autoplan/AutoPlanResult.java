package org.matcomp.savedmodel.autoplan;

import org.matcomp.spec.CompressionPlan;

/**
 * What the planner found: the plan, the ratio of the whole model's weight bytes it reaches, the metric before and
 * the drop it predicted (the sum of the matrices' measured drops) and measured with the whole plan applied, whether
 * both goals were met, how many settings it measured and how long it took.
 */
public record AutoPlanResult(CompressionPlan plan, double targetRatio, double ratio, double maxDrop,
    String metricName, double metricBefore, double predictedDrop, double verifiedDrop, boolean met, int probes,
    double seconds) {
  /** One line for the report. */
  public String summary() {
    String goal = String.format("target %.1fx within %.2f %s", targetRatio, maxDrop, unit());
    if (met) {
      return String.format("auto plan: %.2fx of the weight bytes, %s %.2f -> drop %.2f %s (predicted %.2f); %s: met;"
          + " %d settings measured in %.0f s", ratio, metricName, metricBefore, verifiedDrop, unit(), predictedDrop,
          goal, probes, seconds);
    }
    return String.format("auto plan: %s cannot be met post hoc; the best plan within the drop reaches %.2fx (drop"
        + " %.2f %s); fine-tuning (matcomp finetune) may recover the rest; %d settings measured in %.0f s", goal, ratio,
        verifiedDrop, unit(), probes, seconds);
  }

  private String unit() {
    return metricName.equals("accuracy") ? "pt" : "%";
  }
}
