package org.matcomp.compressor.kmeans;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits [0, n) into a few contiguous chunks and runs them on the common fork-join pool plus the caller. The chunk
 * count is fixed by n and the processor count, never by timing, so per-chunk partial results are merged in a fixed
 * order and the outcome is deterministic. Plain fork-join tasks rather than a parallel stream: the stream machinery
 * costs 5–15 ms to load in a fresh JVM, which is what the CLI's single timed call runs in.
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
    List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int chunk = c;
      tasks.add(ForkJoinTask.adapt(() -> body.run(chunk, from(n, chunks, chunk), from(n, chunks, chunk + 1))));
    }
    ForkJoinTask.invokeAll(tasks);
  }
}
