package org.matcomp.compressor.prune;

import java.util.Arrays;
import java.util.Locale;

/**
 * The pruning scores by name: the reference's {@code prune_option} values plus {@code loss_gradient}, and shorter
 * CLI names. {@link #create} makes a fresh score (stateful scores need one per matrix).
 */
public enum ScoreKind {
  MAGNITUDE("magnitude", "weight"),
  FIRST_ORDER("first-order", "first_order_gradient"),
  SECOND_ORDER("second-order", "second_order_gradient"),
  LOSS_GRADIENT("saliency", "loss_gradient");

  private final String cliName;
  private final String optionName;

  ScoreKind(String cliName, String optionName) {
    this.cliName = cliName;
    this.optionName = optionName;
  }

  public String cliName() {
    return cliName;
  }

  /** The {@code prune_option} spelling (the reference's, or ours for {@code loss_gradient}). */
  public String optionName() {
    return optionName;
  }

  /** A new score; {@code gradientDecayRate} is used by the weight-change proxies only. */
  public PruningScore create(double gradientDecayRate) {
    return switch (this) {
      case MAGNITUDE -> new MagnitudeScore();
      case FIRST_ORDER -> new FirstOrderWeightChangeScore(gradientDecayRate);
      case SECOND_ORDER -> new SecondOrderWeightChangeScore(gradientDecayRate);
      case LOSS_GRADIENT -> new GradientSaliencyScore();
    };
  }

  /** Accepts either spelling, case-insensitively. */
  public static ScoreKind parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(k -> k.cliName.equals(n) || k.optionName.equals(n))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("pruning score '" + name + "' is not one of "
            + Arrays.stream(values()).map(k -> k.cliName + "/" + k.optionName).toList()));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
