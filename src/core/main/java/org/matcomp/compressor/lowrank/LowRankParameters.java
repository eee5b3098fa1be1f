package org.matcomp.compressor.lowrank;

import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.SizeRule;

/**
 * Low-rank's parameters: the kept rank — absolute, or graph_compression's percentage, kept rank =
 * min(d, ⌈d·100/rank⌉) for d = min(m, n) — and the seed of the randomized SVD used for large matrices.
 */
public record LowRankParameters(SizeRule rank, long seed) implements MethodParameters {}
