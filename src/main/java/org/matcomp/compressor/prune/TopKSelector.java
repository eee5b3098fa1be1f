package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.stream.IntStream;

/**
 * Marks exactly k of n finite scores: the k largest, equal scores going to the lower index so the result does not
 * depend on thread timing or on a random shuffle (the reference breaks ties by shuffling).
 *
 * <p>A radix select on the float bits: three histogram passes over 11, 11 and 10 bits find the k-th largest value,
 * then one pass marks everything above it plus the first ties. That is O(n) in the worst case, with no copy of the
 * scores and no sort; the passes split over the cores.
 */
final class TopKSelector {
  private static final int PARALLEL_MIN = 1 << 16;
  private static final int[] SHIFT = {21, 10, 0};
  private static final int[] DIGIT_MASK = {0x7FF, 0x7FF, 0x3FF};

  private TopKSelector() {}

  /**
   * The selection as a row-major bitmap over {@code scores} (64 entries a word). Scores must be finite; callers
   * check them, naming the matrix.
   */
  static long[] select(float[] scores, int k) {
    int n = scores.length;
    checkArgument(k >= 0 && k <= n, "cannot keep %s of %s entries", k, n);
    long[] words = new long[PruningMask.wordsFor(n)];
    if (k == 0) {
      return words;
    }
    // Find the unsigned key T of the k-th largest score, digit by digit from the top.
    int prefix = 0;
    int prefixMask = 0;
    int rank = k;
    int equalCount = 0;
    for (int pass = 0; pass < 3; pass++) {
      int[] hist = histogram(scores, prefixMask, prefix, SHIFT[pass], DIGIT_MASK[pass]);
      int bin = hist.length - 1;
      while (hist[bin] < rank) {
        rank -= hist[bin];
        bin--;
      }
      prefix |= bin << SHIFT[pass];
      prefixMask |= DIGIT_MASK[pass] << SHIFT[pass];
      equalCount = hist[bin];
    }
    int threshold = prefix ^ Integer.MIN_VALUE; // back to a signed-comparable key
    int ties = rank; // how many of the equalCount entries with key == threshold to keep
    if (ties == equalCount) {
      mark(scores, words, threshold, true);
    } else {
      mark(scores, words, threshold, false);
      for (int i = 0; i < n && ties > 0; i++) {
        if (key(scores[i]) == threshold) {
          words[i >>> 6] |= 1L << i;
          ties--;
        }
      }
    }
    return words;
  }

  /**
   * A signed int whose order is the float order: flip the magnitude bits of negatives. Adding 0 first maps −0 to +0
   * so the two zeros tie instead of ranking by sign.
   */
  static int key(float v) {
    int bits = Float.floatToRawIntBits(v + 0.0f);
    return bits ^ ((bits >> 31) & 0x7FFFFFFF);
  }

  /** Counts digits of the unsigned keys whose bits under {@code prefixMask} equal {@code prefix}. */
  private static int[] histogram(float[] s, int prefixMask, int prefix, int shift, int digitMask) {
    int bins = digitMask + 1;
    int parts = parts(s.length);
    int[][] local = new int[parts][];
    IntStream range = IntStream.range(0, parts);
    (parts > 1 ? range.parallel() : range).forEach(p -> {
      int[] h = new int[bins];
      int from = (int) ((long) s.length * p / parts);
      int to = (int) ((long) s.length * (p + 1) / parts);
      for (int i = from; i < to; i++) {
        int u = key(s[i]) ^ Integer.MIN_VALUE;
        if ((u & prefixMask) == prefix) {
          h[(u >>> shift) & digitMask]++;
        }
      }
      local[p] = h;
    });
    int[] total = local[0];
    for (int p = 1; p < parts; p++) {
      for (int b = 0; b < bins; b++) {
        total[b] += local[p][b];
      }
    }
    return total;
  }

  /** Sets the bits of keys above {@code threshold} (and equal to it when {@code inclusive}); ranges are word-aligned. */
  private static void mark(float[] s, long[] words, int threshold, boolean inclusive) {
    int parts = parts(s.length);
    IntStream range = IntStream.range(0, parts);
    (parts > 1 ? range.parallel() : range).forEach(p -> {
      int fromWord = (int) ((long) words.length * p / parts);
      int toWord = (int) ((long) words.length * (p + 1) / parts);
      int end = Math.min(s.length, toWord << 6);
      for (int i = fromWord << 6; i < end; i++) {
        int key = key(s[i]);
        if (key > threshold || (inclusive && key == threshold)) {
          words[i >>> 6] |= 1L << i;
        }
      }
    });
  }

  private static int parts(int n) {
    return n < PARALLEL_MIN ? 1 : 2 * Runtime.getRuntime().availableProcessors();
  }
}
