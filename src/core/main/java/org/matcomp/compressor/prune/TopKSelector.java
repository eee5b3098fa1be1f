package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.stream.IntStream;

/**
 * Marks exactly k of n finite scores: the k largest, equal scores going to the lower index so the result does not
 * depend on thread timing or on a random shuffle (the reference breaks ties by shuffling).
 *
 * <p>A two-digit radix select on the float bits: a histogram of the top 16 bits finds the bucket holding the k-th
 * largest value, the (few) entries of that bucket are gathered and histogrammed on their low 16 bits, which pins the
 * exact value; a last pass marks everything above it plus the first ties. Three passes over the data, O(n) in the
 * worst case, no sort and no copy of the scores; the passes split over the cores.
 */
final class TopKSelector {
  private static final int PARALLEL_MIN = 1 << 16;
  private static final int BINS = 1 << 16;

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
    int parts = parts(n);
    // Digit 1: the top 16 bits of the order-preserving unsigned key, one histogram per part.
    int[][] local = new int[parts][];
    run(parts, p -> {
      int[] h = new int[BINS];
      for (int i = from(n, parts, p), end = from(n, parts, p + 1); i < end; i++) {
        h[(key(scores[i]) ^ Integer.MIN_VALUE) >>> 16]++;
      }
      local[p] = h;
    });
    int rank = k;
    int high = BINS - 1;
    while (true) {
      int count = 0;
      for (int[] h : local) {
        count += h[high];
      }
      if (count >= rank) {
        break;
      }
      rank -= count;
      high--;
    }
    // Digit 2: gather the low 16 bits of that bucket, each part writing after the parts before it.
    int[] offset = new int[parts + 1];
    for (int p = 0; p < parts; p++) {
      offset[p + 1] = offset[p] + local[p][high];
    }
    int[] low = new int[offset[parts]];
    int bucket = high;
    run(parts, p -> {
      int at = offset[p];
      for (int i = from(n, parts, p), end = from(n, parts, p + 1); i < end; i++) {
        int u = key(scores[i]) ^ Integer.MIN_VALUE;
        if (u >>> 16 == bucket) {
          low[at++] = u & 0xFFFF;
        }
      }
    });
    int[] lowHist = new int[BINS];
    for (int v : low) {
      lowHist[v]++;
    }
    int lowBin = BINS - 1;
    while (lowHist[lowBin] < rank) {
      rank -= lowHist[lowBin];
      lowBin--;
    }
    int threshold = ((high << 16) | lowBin) ^ Integer.MIN_VALUE; // back to a signed-comparable key
    int ties = rank; // how many of the entries equal to the threshold to keep, in index order
    if (ties == lowHist[lowBin]) {
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

  /** Sets the bits of keys above {@code threshold} (and equal to it when {@code inclusive}), a word at a time. */
  private static void mark(float[] s, long[] words, int threshold, boolean inclusive) {
    int bound = inclusive ? threshold - 1 : threshold; // key > bound; threshold is never MIN_VALUE for finite s
    int parts = parts(s.length);
    run(parts, p -> {
      for (int wi = from(words.length, parts, p), endWord = from(words.length, parts, p + 1); wi < endWord; wi++) {
        int base = wi << 6;
        int len = Math.min(64, s.length - base);
        long bits = 0;
        for (int j = 0; j < len; j++) {
          bits |= (key(s[base + j]) > bound ? 1L : 0L) << j;
        }
        words[wi] = bits;
      }
    });
  }

  private static int from(int n, int parts, int p) {
    return (int) ((long) n * p / parts);
  }

  private static void run(int parts, java.util.function.IntConsumer body) {
    IntStream range = IntStream.range(0, parts);
    (parts > 1 ? range.parallel() : range).forEach(body);
  }

  private static int parts(int n) {
    return n < PARALLEL_MIN ? 1 : Runtime.getRuntime().availableProcessors();
  }
}
