package org.matcomp.savedmodel.finetune;

import java.util.List;

/**
 * Which mini-batch training step k takes: batch k of the seeded epoch order, epoch after epoch — the same for one
 * process and for any replica of a cluster that claims step k.
 */
final class BatchOrder {
  private final TrainingData data;
  private final int batchSize;
  private final long seed;
  private List<TrainingData.Batch> batches;
  private int epoch = -1;

  BatchOrder(TrainingData data, int batchSize, long seed) {
    this.data = data;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  TrainingData.Batch at(long step) {
    if (batches == null) {
      batches = data.epoch(0, batchSize, seed);
      epoch = 0;
    }
    int perEpoch = batches.size(); // every epoch has as many
    int e = Math.toIntExact(step / perEpoch);
    if (e != epoch) {
      batches = data.epoch(e, batchSize, seed);
      epoch = e;
    }
    return batches.get((int) (step % perEpoch));
  }
}
