package org.matcomp.compressor.kmeans;

import java.util.stream.IntStream;

/**
 * Splits [0, n) into a few contiguous chunks and runs them on the common pool plus the caller. The chunk count is
 * fixed by n and the processor count, never by timing, so per-chunk partial results are merged in a fixed order
 * and the outcome is deterministic.
 */
final class ParallelChunks {
  /** Below this many points one thread is faster than the hand-off. */
  private static final int MIN_CHUNK = 8192;

  @FunctionalInterface
  interface Body {
    void run(int chunk, int from, int to);
  }

  private ParallelChunks() {}

  /** Threads to use: the processors, or fewer if the system property {@code matcomp.threads} says so. */
  static int threads() {
    return Math.max(1, Integer.getInteger("matcomp.threads", Runtime.getRuntime().availableProcessors()));
  }

  /** Number of chunks used for {@code n} items: two per thread, so an unlucky slow chunk costs less. */
  static int count(int n) {
    return Math.max(1, Math.min(2 * threads(), n / MIN_CHUNK));
  }

  static int from(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }

  /** Runs {@code body} once for each of {@code chunks} chunks of [0, n). */
  static void run(int n, int chunks, Body body) {
    if (chunks == 1) {
      body.run(0, 0, n);
      return;
    }
    IntStream.range(0, chunks).parallel().forEach(c -> body.run(c, from(n, chunks, c), from(n, chunks, c + 1)));
  }
}
