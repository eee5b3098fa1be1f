package org.matcomp.train;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.operator.CompressedMatrix;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One train op that also compresses: graph_compression's update_option 0. It owns the global step that drives the
 * matrices' in-graph updates; the train op runs those updates first (every read path of a compressed matrix waits
 * for its update within the run), then applies gradients over A, the factors and the other variables, then
 * increments the step. A client that only runs {@link #trainOp} — in this JVM or, after {@code GraphUpdates.registerCallbacks},
 * in another one that loaded the exported graph — compresses on schedule.
 *
 * <pre>{@code
 * InGraphTrainer trainer = new InGraphTrainer(tf);
 * CompressedMatrix cm = MatrixCompression.apply(tf, w, spec.withHparams("update_option=0"), compressor, trainer.step());
 * Op train = trainer.trainOp(graph, tf, loss(cm.matmulGated(tf, x)), List.of(cm), others, optimizers);
 * }</pre>
 */
public final class InGraphTrainer {
  private final Variable<TInt64> globalStep;

  public InGraphTrainer(Ops tf) {
    this.globalStep = tf.withName("global_step").variable(tf.constant(0L));
  }

  /** The step the updates read: the number of train steps run so far. */
  public Variable<TInt64> step() {
    return globalStep;
  }

  /**
   * The train op over every matrix's A and trainable factors plus {@code others}, with the updates attached: a
   * {@link GatedTrainOp} (one optimizer per group of variables that are live together), so it is right whether the
   * loss reads the matrices through the blend ({@code cm.matmul}) or the phase gate ({@code cm.matmulGated}).
   */
  public Op trainOp(Graph graph, Ops tf, Operand<TFloat32> loss, List<CompressedMatrix> matrices,
      List<Variable<TFloat32>> others, OptimizerFactory optimizers) {
    return GatedTrainOp.build(graph, tf, loss, GatedTrainOp.groups(matrices, others), optimizers, globalStep,
        updates(matrices));
  }

  private static List<Op> updates(List<CompressedMatrix> matrices) {
    List<Op> ops = new ArrayList<>();
    for (CompressedMatrix m : matrices) {
      m.graphUpdate().ifPresent(ops::add);
    }
    return ops;
  }
}
