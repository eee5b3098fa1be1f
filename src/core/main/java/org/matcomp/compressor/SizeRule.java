package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How big a factor's inner dimension is: an absolute size (matcomp's {@code absolute_rank}, the CLI's {@code --rank})
 * or graph_compression's {@code rank}, a compression percentage each method turns into a size its own way.
 */
public record SizeRule(int value, boolean absolute) {
  public SizeRule {
    checkArgument(value > 0, "%s=%s must be positive", absolute ? "absolute_rank" : "rank", value);
  }

  /** The spec's absolute size when given, else its percentage rank. */
  public static SizeRule of(HparamView h) {
    return h.absoluteRank().isPresent() ? new SizeRule(h.absoluteRank().getAsInt(), true) : new SizeRule(h.rank(),
        false);
  }
}
