package org.matcomp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyAdam;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Adam, as the framework's {@code Adam} computes it, with its two power accumulators built by {@code state} (on a
 * parameter server). The framework's Adam puts them wherever its graph's default lands — on each worker, uninitialised
 * there, since only the chief initialises; the moments need nothing: every ApplyAdam takes them by reference with the
 * variable, so TensorFlow places them beside it.
 */
public final class PlacedAdam extends Optimizer {
  private static final float BETA_ONE = 0.9f;
  private static final float BETA_TWO = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final float learningRate;
  private final Ops state;
  private Variable<TFloat32> betaOnePower;
  private Variable<TFloat32> betaTwoPower;

  /** @param state builds the accumulators ({@link VariablePlacement#forTrainerState}) */
  public PlacedAdam(Graph graph, String name, float learningRate, Ops state) {
    super(graph, name);
    this.learningRate = learningRate;
    this.state = state;
  }

  @Override
  protected void createSlots(List<Output<? extends TType>> variables) {
    for (Output<? extends TType> v : variables) {
      zeroSlot(v.asOutput(), "m");
      zeroSlot(v.asOutput(), "v");
    }
    betaOnePower = state.withName(getOptimizerName() + "_beta1_power").variable(state.constant(BETA_ONE));
    betaTwoPower = state.withName(getOptimizerName() + "_beta2_power").variable(state.constant(BETA_TWO));
  }

  private <T extends TType> void zeroSlot(Output<T> v, String slot) {
    createSlot(v, slot, tf.fill(tf.shape(v), tf.dtypes.cast(tf.constant(0.0f), v.type())));
  }

  @Override
  protected Optional<Op> prepare(String scopeName) {
    return Optional.empty();
  }

  @Override
  protected <T extends TType> Op applyDense(Ops deps, Output<T> gradient, Output<T> variable) {
    Variable<T> m = getSlot(variable, "m").orElseThrow();
    Variable<T> v = getSlot(variable, "v").orElseThrow();
    return deps.train.applyAdam(variable, m, v, cast(deps, betaOnePower, gradient),
        cast(deps, betaTwoPower, gradient), cast(deps, deps.constant(learningRate), gradient),
        cast(deps, deps.constant(BETA_ONE), gradient), cast(deps, deps.constant(BETA_TWO), gradient),
        cast(deps, deps.constant(EPSILON), gradient), gradient, ApplyAdam.useLocking(true));
  }

  private static <T extends TType> Operand<T> cast(Ops tf, Operand<TFloat32> x, Output<T> like) {
    return tf.dtypes.cast(x, like.type());
  }

  @Override
  protected Op finish(List<Op> updates, String name) {
    List<Op> all = new ArrayList<>(updates);
    Ops after = tf.withControlDependencies(updates);
    all.add(after.assign(betaOnePower, after.math.mul(betaOnePower, after.constant(BETA_ONE))));
    all.add(after.assign(betaTwoPower, after.math.mul(betaTwoPower, after.constant(BETA_TWO))));
    return super.finish(all, name);
  }

  @Override
  public String getOptimizerName() {
    return "PlacedAdam";
  }
}
