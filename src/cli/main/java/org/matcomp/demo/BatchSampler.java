package org.matcomp.demo;

import java.util.Random;

/** Draws mini-batches of example indices: epochs of seeded random permutations, every example once per epoch. */
public final class BatchSampler {
  private final int n;
  private final Random rnd;
  private final int[] batch;
  private int[] order;
  private int cursor;

  public BatchSampler(int n, int batchSize, Random rnd) {
    this.n = n;
    this.rnd = rnd;
    this.batch = new int[batchSize];
    this.order = permutation();
  }

  /** The next batch's indices (the same array each call, refilled). */
  public int[] next() {
    for (int i = 0; i < batch.length; i++) {
      if (cursor == n) {
        order = permutation();
        cursor = 0;
      }
      batch[i] = order[cursor++];
    }
    return batch;
  }

  private int[] permutation() {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
