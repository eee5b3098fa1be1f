package org.matcomp.compressor.simhash;

import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.SizeRule;

/**
 * Simhash's parameters: k, the number of random projections — absolute, or the reference's rule
 * k = (min(m, n)·100) // rank + 1 — and the seed of the projection R.
 */
public record SimhashParameters(SizeRule projections, long seed) implements MethodParameters {}
