package org.matcomp.compressor.kmeans;

import org.matcomp.compressor.MethodParameters;

/** k-means + pruning's parameters: the codebook settings and {@code pruning_fraction} (default 0.4) in [0, 1). */
public record KMeansPruneParameters(CodebookParameters codebook, double pruningFraction) implements MethodParameters {}
