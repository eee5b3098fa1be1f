package org.matcomp.compressor.dictionary;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a loop over rows on a few plain threads, each with its own workspace, handing out blocks dynamically. Plain
 * threads rather than a parallel stream because each thread needs one workspace for its whole share (the inner
 * loops must not allocate), and because the common pool is shared with whatever else the JVM runs.
 */
final class Workers {
  /**
   * One thread per core (more only adds switching); {@code -Dmatcomp.threads=N} overrides it, e.g. to time the
   * single-threaded cost.
   */
  static final int THREADS = Math.max(1,
      Integer.getInteger("matcomp.threads", Runtime.getRuntime().availableProcessors()));

  private Workers() {}

  /** One thread's share: rows [from, to) with that thread's workspace. */
  interface RangeTask<W> {
    void run(W workspace, int from, int to);
  }

  /**
   * Calls {@code task} over [0, n) in blocks of {@code block} rows on up to {@link #THREADS} threads. Runs inline
   * when there is only one block. Rethrows the first exception a worker threw.
   */
  static <W> void forRanges(int n, int block, Supplier<W> workspace, RangeTask<W> task) {
    int blocks = (n + block - 1) / block;
    int threads = Math.min(THREADS, blocks);
    if (threads <= 1) {
      if (n > 0) {
        task.run(workspace.get(), 0, n);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      try {
        W w = workspace.get();
        for (int b = next.getAndIncrement(); b < blocks && failure.get() == null; b = next.getAndIncrement()) {
          int from = b * block;
          task.run(w, from, Math.min(n, from + block));
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    };
    List<Thread> started = new ArrayList<>();
    for (int t = 1; t < threads; t++) {
      Thread th = new Thread(worker, "matcomp-dictionary-" + t);
      th.setDaemon(true);
      th.start();
      started.add(th);
    }
    worker.run();
    for (Thread th : started) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a worker", e);
      }
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }
}
