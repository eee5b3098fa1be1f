package org.matcomp.demo;

import java.util.Arrays;
import java.util.Random;

/**
 * The batches of a {@link BatchSampler} addressed by step, as replicas of a cluster ask for them: step k's batch is
 * the k-th the sampler of one process draws, whichever replica trains it. Steps asked in rising order cost one draw
 * each; a step before the last one asked (a run restored from a checkpoint) draws again from the start.
 */
public final class BatchesByStep {
  private final int n;
  private final int batchSize;
  private final long seed;
  private BatchSampler sampler;
  private long next;
  private int[] current;

  /** @param seed the seed of the {@code Random} the one-process run gives its sampler */
  public BatchesByStep(int n, int batchSize, long seed) {
    this.n = n;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /** Part {@code part} of {@code parts} of step {@code step}'s batch: contiguous, sizes differing by at most one. */
  public int[] at(long step, int part, int parts) {
    if (sampler == null || step < next - 1) {
      sampler = new BatchSampler(n, batchSize, new Random(seed));
      next = 0;
    }
    while (next <= step) {
      current = sampler.next();
      next++;
    }
    return Arrays.copyOfRange(current, current.length * part / parts, current.length * (part + 1) / parts);
  }
}
