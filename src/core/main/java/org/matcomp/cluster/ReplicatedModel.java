package org.matcomp.cluster;

import java.util.List;
import java.util.Map;
import org.matcomp.train.PhasedTrainer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;

/**
 * What one replica of a cluster trains: a graph every replica builds alike, its variables on the parameter servers,
 * and the batches of the run, addressed by step so that step k is the same batch whichever replica computes it.
 */
public interface ReplicatedModel {
  Graph graph();

  PhasedTrainer trainer();

  /** The gradient exchange when the replicas train in sync; null when each applies its own gradients. */
  SyncReplicas sync();

  /**
   * The feeds of part {@code part} of {@code parts} of step {@code step}'s batch (the whole batch when {@code parts}
   * is 1); every tensor made is added to {@code open}, which the caller closes.
   */
  Map<Operand<?>, Tensor> feeds(long step, int part, int parts, List<Tensor> open);
}
