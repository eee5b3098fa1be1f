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
    forRanges(n, block, 0, workspace, task);
  }

  /**
   * As {@link #forRanges(int, int, Supplier, RangeTask)}, but rows [0, serialPrefix) run on the calling thread
   * before any other thread starts. In a cold JVM the first rows run interpreted or in profiled C1 code, where
   * two threads only slow each other (they update the same profile counters) and starve the JIT compiler
   * threads of the second core; measured on 2 cores, a cold Batch-OMP pass finished sooner with one thread than
   * with two.
   */
  static <W> void forRanges(int n, int block, int serialPrefix, Supplier<W> workspace, RangeTask<W> task) {
    int prefix = Math.min(n, Math.max(0, serialPrefix));
    W first = null;
    if (prefix > 0) {
      first = workspace.get();
      task.run(first, 0, prefix);
    }
    int rest = n - prefix;
    int blocks = (rest + block - 1) / block;
    int threads = Math.min(THREADS, blocks);
    if (threads <= 1) {
      if (rest > 0) {
        task.run(first != null ? first : workspace.get(), prefix, n);
      }
      return;
    }
    W reused = first;
    Thread caller = Thread.currentThread();
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      try {
        W w = Thread.currentThread() == caller && reused != null ? reused : workspace.get();
        for (int b = next.getAndIncrement(); b < blocks && failure.get() == null; b = next.getAndIncrement()) {
          int from = prefix + b * block;
          task.run(w, from, Math.min(n, from + block));
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    };
    List<Thread> started = new ArrayList<>();
    for (int t = 1; t < threads; t++) {
      // String.concat, not +: the first indy string concatenation costs milliseconds in a cold JVM.
      Thread th = new Thread(worker, "matcomp-dictionary-".concat(Integer.toString(t)));
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
