package org.matcomp.train;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.matcomp.operator.CompressedMatrix;
import org.matcomp.operator.Phase;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

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
 * Op train = trainer.trainOp(graph, tf, loss(cm.matmul(tf, x)), List.of(cm), others, optimizers);
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

  /** The train op over every matrix's A and trainable factors plus {@code others}, with the updates attached. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Op trainOp(Graph graph, Ops tf, Operand<? extends TType> loss, List<CompressedMatrix> matrices,
      List<Variable<org.tensorflow.types.TFloat32>> others, OptimizerFactory optimizers) {
    Set<Variable<org.tensorflow.types.TFloat32>> vars = new LinkedHashSet<>(others);
    for (CompressedMatrix m : matrices) {
      vars.addAll(m.trainableVariables(Phase.BLENDING));
    }
    List<Variable<org.tensorflow.types.TFloat32>> list = List.copyOf(vars);
    Output<?>[] xs = list.stream().map(Variable::asOutput).toArray(Output[]::new);
    Output<?>[] grads = graph.addGradients(loss.asOutput(), xs);
    List<Op> updates = updates(matrices);
    List<Optimizer.GradAndVar<?>> gv = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      // Every apply waits for the updates, so an update's assignment and a gradient step never race on a variable.
      Output<?> g = updates.isEmpty() ? grads[i] : tf.withControlDependencies(updates).identity((Operand) grads[i])
          .asOutput();
      gv.add(new Optimizer.GradAndVar<>((Output) g, list.get(i).asOutput()));
    }
    List<Op> deps = new ArrayList<>(updates);
    deps.add(optimizers.create(graph, "opt_in_graph").applyGradients((List) gv, "train_in_graph_apply"));
    return tf.withName("train_in_graph").withControlDependencies(deps).assignAdd(globalStep, tf.constant(1L));
  }

  private static List<Op> updates(List<CompressedMatrix> matrices) {
    List<Op> ops = new ArrayList<>();
    for (CompressedMatrix m : matrices) {
      m.graphUpdate().ifPresent(ops::add);
    }
    return ops;
  }
}
