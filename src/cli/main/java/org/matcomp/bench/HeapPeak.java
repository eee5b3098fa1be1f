package org.matcomp.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak heap while a piece of work runs, two ways: the largest used heap seen by a sampler every 5 ms (a lower
 * bound of the true peak), and the sum of each heap pool's peak (an upper bound, as pools peak at different
 * times). Both are reported, since neither alone is exact.
 */
final class HeapPeak implements AutoCloseable {
  private final AtomicLong sampled = new AtomicLong();
  private final Thread sampler;
  private volatile boolean running = true;

  private HeapPeak() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    sampler = new Thread(() -> {
      while (running) {
        sampled.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  static HeapPeak start() {
    System.gc();
    return new HeapPeak();
  }

  /** Largest sampled used heap, bytes. */
  long sampledPeakBytes() {
    return sampled.get();
  }

  /** Σ over heap pools of each pool's peak used, bytes. */
  static long poolPeaksBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
