package org.matcomp.compressor.prune;

/**
 * How a mask is chosen from per-entry scores at a given sparsity: elementwise, by blocks, or N:M groups. Rules are
 * immutable and stateless; larger scores are kept.
 */
public interface MaskRule {
  /**
   * The mask for an m×n matrix named {@code matrix} whose entries scored {@code scores} (row-major, finite), at
   * {@code sparsity} in [0, 1).
   *
   * @throws IllegalArgumentException naming {@code matrix} for bad shapes, non-finite scores or sparsity
   */
  PruningMask select(String matrix, float[] scores, int rows, int cols, double sparsity);

  /**
   * How many entries {@link #select} keeps for this shape and sparsity, known before any data exists (the
   * compressed layout needs it).
   *
   * @throws IllegalArgumentException when the count would depend on the data, or the shape does not suit the rule
   */
  int keptCount(String matrix, int rows, int cols, double sparsity);
}
