package org.matcomp.compressor.kmeans;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The pruning step of graph_compression's k-means + pruning (option 8): zero the ceil(size·fraction) entries of
 * smallest magnitude. Exactly that many are zeroed — ties at the threshold are broken by position — so the pruned
 * fraction is what was asked for, not "everything at or below a threshold". Schedules, block and N:M pruning live in
 * {@code org.matcomp.compressor.prune}; this is only the one-shot magnitude cut that option 8 applies before
 * clustering.
 */
public final class MagnitudePruning {
  private MagnitudePruning() {}

  /** Number of entries pruned from {@code size} entries at {@code fraction}: ceil(size·fraction), as the reference. */
  public static int prunedCount(long size, double fraction) {
    checkArgument(fraction >= 0 && fraction < 1, "pruning fraction %s must be in [0, 1)", fraction);
    return (int) Math.min(size, (long) Math.ceil(size * fraction));
  }

  /**
   * Zeroes, in place, the {@link #prunedCount} smallest-magnitude entries of the finite array {@code x}; entries that
   * are already zero count among them. Returns the number zeroed by this call or already zero among the pruned.
   */
  public static int pruneInPlace(float[] x, double fraction) {
    int count = prunedCount(x.length, fraction);
    if (count == 0) {
      return 0;
    }
    float[] magnitude = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      magnitude[i] = Math.abs(x[i]);
    }
    float threshold = FloatRadixSort.sorted(magnitude)[count - 1];
    int below = 0;
    for (float m : magnitude) {
      if (m < threshold) {
        below++;
      }
    }
    int tiesToPrune = count - below;
    for (int i = 0; i < x.length; i++) {
      float m = magnitude[i];
      if (m < threshold) {
        x[i] = 0f;
      } else if (m == threshold && tiesToPrune > 0) {
        x[i] = 0f;
        tiesToPrune--;
      }
    }
    return count;
  }
}
