package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Which entries of an m×n matrix survive pruning, as a row-major bitmap. Immutable; the arrays it hands out are fresh.
 */
public final class PruningMask {
  private static final int PARALLEL_WORDS = 1 << 14;

  private final int rows;
  private final int cols;
  private final long[] words;
  private final int kept;

  /** Takes ownership of {@code words}: bit i of word i/64 keeps flat entry i; bits past rows·cols must be 0. */
  PruningMask(int rows, int cols, long[] words) {
    checkArgument(words.length == wordsFor((long) rows * cols), "%sx%s mask needs %s words, got %s", rows, cols,
        wordsFor((long) rows * cols), words.length);
    this.rows = rows;
    this.cols = cols;
    this.words = words;
    long n = 0;
    for (long w : words) {
      n += Long.bitCount(w);
    }
    this.kept = (int) n;
  }

  static int wordsFor(long entries) {
    return (int) ((entries + 63) >>> 6);
  }

  /** A mask from one flag per entry (row-major), mostly for tests and hand-made masks. */
  public static PruningMask of(int rows, int cols, boolean[] keep) {
    Checks.shape("mask", rows, cols);
    checkArgument(keep.length == (long) rows * cols, "a %sx%s mask needs %s flags, got %s", rows, cols,
        (long) rows * cols, keep.length);
    long[] w = new long[wordsFor(keep.length)];
    for (int i = 0; i < keep.length; i++) {
      if (keep[i]) {
        w[i >>> 6] |= 1L << i;
      }
    }
    return new PruningMask(rows, cols, w);
  }

  /** Packs one 0/1 byte per entry into a mask, word ranges in parallel (for rules that decide per group). */
  static PruningMask fromFlags(int rows, int cols, byte[] flags) {
    long[] w = new long[wordsFor(flags.length)];
    forWordRanges(w.length, (from, to) -> {
      for (int wi = from; wi < to; wi++) {
        long bits = 0;
        int end = Math.min(flags.length, (wi + 1) << 6);
        for (int i = wi << 6; i < end; i++) {
          bits |= (long) flags[i] << i;
        }
        w[wi] = bits;
      }
    });
    return new PruningMask(rows, cols, w);
  }

  /** The mask before any pruning: everything kept (the reference initialises its mask variables to ones). */
  public static PruningMask keepAll(int rows, int cols) {
    Checks.shape("mask", rows, cols);
    long n = (long) rows * cols;
    long[] w = new long[wordsFor(n)];
    Arrays.fill(w, -1L);
    int tail = (int) (n & 63);
    if (tail != 0) {
      w[w.length - 1] = (1L << tail) - 1;
    }
    return new PruningMask(rows, cols, w);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public int size() {
    return rows * cols;
  }

  public int keptCount() {
    return kept;
  }

  public int prunedCount() {
    return size() - kept;
  }

  /** The fraction of entries pruned. */
  public double sparsity() {
    return (double) prunedCount() / size();
  }

  public boolean isKept(int row, int col) {
    checkArgument(row >= 0 && row < rows && col >= 0 && col < cols, "[%s, %s] is outside the %sx%s mask", row, col,
        rows, cols);
    return isKept(row * cols + col);
  }

  boolean isKept(int flat) {
    return (words[flat >>> 6] & (1L << flat)) != 0;
  }

  /** Flat row-major positions of the kept entries, ascending. */
  public int[] keptIndices() {
    int[] out = new int[kept];
    int n = 0;
    for (int wi = 0; wi < words.length; wi++) {
      long w = words[wi];
      while (w != 0) {
        out[n++] = (wi << 6) + Long.numberOfTrailingZeros(w);
        w &= w - 1;
      }
    }
    return out;
  }

  /** A copy of {@code w} with the pruned entries set to zero. */
  public float[] apply(float[] w) {
    checkArgument(w.length == size(), "a %sx%s mask cannot apply to %s entries", rows, cols, w.length);
    float[] out = new float[w.length];
    forWordRanges(words.length, (from, to) -> {
      for (int wi = from; wi < to; wi++) {
        long bits = words[wi];
        while (bits != 0) {
          int i = (wi << 6) + Long.numberOfTrailingZeros(bits);
          out[i] = w[i];
          bits &= bits - 1;
        }
      }
    });
    return out;
  }

  /** 1 for kept, 0 for pruned: the value of the reference's mask variable. */
  public float[] toFloats() {
    float[] out = new float[size()];
    forWordRanges(words.length, (from, to) -> {
      for (int wi = from; wi < to; wi++) {
        long bits = words[wi];
        while (bits != 0) {
          out[(wi << 6) + Long.numberOfTrailingZeros(bits)] = 1f;
          bits &= bits - 1;
        }
      }
    });
    return out;
  }

  /** 1 for kept, 0 for pruned, one int per entry: the form a {@code BIT} factor takes. */
  public int[] toBits() {
    int[] out = new int[size()];
    forWordRanges(words.length, (from, to) -> {
      for (int wi = from; wi < to; wi++) {
        long bits = words[wi];
        while (bits != 0) {
          out[(wi << 6) + Long.numberOfTrailingZeros(bits)] = 1;
          bits &= bits - 1;
        }
      }
    });
    return out;
  }

  /** Runs {@code body} over disjoint word ranges, in parallel for big masks (each entry is written by one range). */
  private static void forWordRanges(int wordCount, RangeBody body) {
    if (wordCount < PARALLEL_WORDS) {
      body.run(0, wordCount);
      return;
    }
    int parts = 4 * Runtime.getRuntime().availableProcessors();
    int step = (wordCount + parts - 1) / parts;
    IntStream.range(0, parts).parallel().forEach(p -> body.run(Math.min(wordCount, p * step),
        Math.min(wordCount, (p + 1) * step)));
  }

  private interface RangeBody {
    void run(int fromWord, int toWord);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PruningMask m && rows == m.rows && cols == m.cols && Arrays.equals(words, m.words);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return String.format("PruningMask[%dx%d, kept %d, sparsity %.4f]", rows, cols, kept, sparsity());
  }
}
