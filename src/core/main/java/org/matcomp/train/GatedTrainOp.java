package org.matcomp.train;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.matcomp.operator.CompressedMatrix;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One train op for a loss read through phase gates ({@link org.matcomp.operator.PhaseGate}), right in every phase
 * without the host knowing the phase.
 *
 * <p>Through a gate, the variables of a dead side get dead gradients, so their updates do not run. A framework
 * optimizer groups all its updates behind one op (Adam also advances its β powers behind them), and a dead input
 * makes that op dead, so the variables are split into groups that are live together, each with its own optimizer:
 * per compressed matrix one group for A and one for its trainable factors, plus one group for everything else. A
 * {@code ControlTrigger}, the one op TF's executor never marks dead, waits for every group's update (run or skipped),
 * and the global step increments after it, so each run of the train op advances the step exactly once.
 *
 * <p>A group's optimizer sees only the steps where its side was live: while the side is dead its variables, slots
 * and (for Adam) β powers stay as they were, so nothing drifts on momentum, A keeps its moments from the dense phase
 * into the blend, and the factors' Adam starts its bias correction at the first blended step.
 */
public final class GatedTrainOp {
  private GatedTrainOp() {}

  /** Variables whose gradients are live or dead together, updated by one optimizer named {@code name}. */
  public record Group(String name, List<Variable<TFloat32>> variables) {
    public Group {
      checkArgument(!variables.isEmpty(), "train group %s has no variables", name);
      variables = List.copyOf(variables);
    }
  }

  /** The groups for {@code matrices} read through gates and {@code others} read directly. */
  public static List<Group> groups(List<CompressedMatrix> matrices, List<Variable<TFloat32>> others) {
    List<Group> groups = new ArrayList<>();
    if (!others.isEmpty()) {
      groups.add(new Group("others", others));
    }
    for (CompressedMatrix m : matrices) {
      String prefix = m.dense().op().name();
      groups.add(new Group(prefix + "_dense", List.of(m.dense())));
      if (!m.factors().trainable().isEmpty()) {
        groups.add(new Group(prefix + "_factors", m.factors().trainable()));
      }
    }
    return groups;
  }

  /**
   * Differentiates {@code loss} wrt every group's variables (one backward graph), applies each group with its own
   * optimizer, and returns the op that increments {@code globalStep} once they are all done or skipped: run it as
   * the train op.
   */
  public static Op build(Graph graph, Ops tf, Operand<TFloat32> loss, List<Group> groups,
      OptimizerFactory optimizers, Variable<TInt64> globalStep) {
    return build(graph, tf, loss, groups, optimizers, globalStep, List.of());
  }

  /**
   * As above, for matrices with an in-graph update (update_option 0, {@code CompressedMatrix.graphUpdate()}): every
   * gradient waits for {@code updates}, so an update's assignments and a gradient step never race on a variable, and
   * the step increments after them. {@code globalStep} must be the step the updates read.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Op build(Graph graph, Ops tf, Operand<TFloat32> loss, List<Group> groups,
      OptimizerFactory optimizers, Variable<TInt64> globalStep, List<Op> updates) {
    checkArgument(!groups.isEmpty(), "nothing to train: no variable groups");
    List<Variable<TFloat32>> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Group g : groups) {
      for (Variable<TFloat32> v : g.variables()) {
        checkArgument(seen.add(v.op().name()), "variable %s is in more than one train group", v.op().name());
        all.add(v);
      }
    }
    Output<?>[] xs = all.stream().map(Variable::asOutput).toArray(Output[]::new);
    Output<?>[] grads = graph.addGradients(loss.asOutput(), xs);
    List<Op> joined = new ArrayList<>(updates);
    int k = 0;
    for (Group g : groups) {
      List<Optimizer.GradAndVar<?>> gv = new ArrayList<>();
      for (Variable<TFloat32> v : g.variables()) {
        Output<TFloat32> grad = (Output<TFloat32>) grads[k++];
        if (!updates.isEmpty()) {
          grad = tf.withControlDependencies(updates).identity(grad).asOutput();
        }
        gv.add(new Optimizer.GradAndVar<>(grad, v.asOutput()));
      }
      Optimizer opt = optimizers.create(graph, "opt_" + g.name());
      joined.add(opt.applyGradients((List) gv, "apply_" + g.name()));
    }
    Op trigger = tf.withName("train_joined").withControlDependencies(joined).controlTrigger();
    return tf.withName("train").withControlDependencies(List.of(trigger)).assignAdd(globalStep, tf.constant(1L));
  }
}
