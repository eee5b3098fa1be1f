package org.matcomp.compressor.kmeans;

/**
 * Ascending sort of finite floats by an LSD radix sort on their order-preserving integer keys, three digits of 11,
 * 11 and 10 bits: per digit a counting sweep and a scatter sweep (the first counting fused with making the keys, the
 * last scatter writing floats back), each split over the processors — every chunk scatters into its own slice of
 * each digit's bucket, so the result is that of the sequential sort. For the million-entry arrays of
 * scalar k-means this is several times faster than {@code Arrays.sort} and, having no data-dependent branches, is
 * fast before the JIT has warmed up — which matters because the CLI times a single call in a fresh JVM.
 */
final class FloatRadixSort {
  private static final int RADIX = 1 << 11;
  private static final int MASK = RADIX - 1;
  private static final int[] SHIFT = {0, 11, 22};

  private FloatRadixSort() {}

  /** Returns the entries of {@code x} sorted ascending; {@code x} is not modified. −0 sorts before +0. */
  static float[] sorted(float[] x) {
    int n = x.length;
    int chunks = ParallelChunks.count(n);
    int[] a = new int[n];
    int[][] hist = new int[chunks][RADIX];
    ParallelChunks.run(n, chunks, (chunk, from, to) -> {
      int[] h = hist[chunk];
      for (int i = from; i < to; i++) {
        int key = key(Float.floatToRawIntBits(x[i]));
        a[i] = key;
        h[key & MASK]++;
      }
    });
    int[] b = new int[n];
    scatter(a, b, hist, 0, chunks);
    count(b, hist, 1, chunks);
    scatter(b, a, hist, 1, chunks);
    count(a, hist, 2, chunks);
    toOffsets(hist);
    float[] out = new float[n];
    ParallelChunks.run(n, chunks, (chunk, from, to) -> {
      int[] offset = hist[chunk];
      for (int i = from; i < to; i++) {
        int v = a[i];
        out[offset[v >>> 22]++] = Float.intBitsToFloat(unkey(v));
      }
    });
    return out;
  }

  /** Per-chunk histograms of one digit of {@code src}. */
  private static void count(int[] src, int[][] hist, int digit, int chunks) {
    int shift = SHIFT[digit];
    ParallelChunks.run(src.length, chunks, (chunk, from, to) -> {
      int[] h = hist[chunk];
      java.util.Arrays.fill(h, 0);
      for (int i = from; i < to; i++) {
        h[(src[i] >>> shift) & MASK]++;
      }
    });
  }

  /** Stable scatter of {@code src} by one digit, from the per-chunk histograms in {@code hist}. */
  private static void scatter(int[] src, int[] dst, int[][] hist, int digit, int chunks) {
    toOffsets(hist);
    int shift = SHIFT[digit];
    ParallelChunks.run(src.length, chunks, (chunk, from, to) -> {
      int[] offset = hist[chunk];
      for (int i = from; i < to; i++) {
        int v = src[i];
        dst[offset[(v >>> shift) & MASK]++] = v;
      }
    });
  }

  /** Turns per-chunk counts into each chunk's first output slot per digit value: digit-major, then chunk order. */
  private static void toOffsets(int[][] h) {
    int sum = 0;
    for (int d = 0; d < RADIX; d++) {
      for (int[] chunk : h) {
        int c = chunk[d];
        chunk[d] = sum;
        sum += c;
      }
    }
  }

  /** Flips negatives entirely and positives' sign bit, so unsigned key order is float order. */
  static int key(int bits) {
    return bits ^ ((bits >> 31) | 0x80000000);
  }

  static int unkey(int key) {
    return key ^ (~(key >> 31) | 0x80000000);
  }
}
