package org.matcomp.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Plain gradient descent on gradients clipped by their global norm, as TensorFlow's PTB tutorial trains:
 * {@code g ← g · clip / max(‖g‖, clip)} over all gradients together ({@code tf.clip_by_global_norm}), then
 * {@code v ← v − lr · g}. The learning rate is an operand (a placeholder the caller feeds each step, so it can decay
 * between epochs without rebuilding the graph).
 */
public final class ClippedSgd extends Optimizer {
  private final Operand<TFloat32> learningRate;
  private final float clipNorm;

  public ClippedSgd(Graph graph, String name, Operand<TFloat32> learningRate, float clipNorm) {
    super(graph, name);
    if (!(clipNorm > 0) || !Float.isFinite(clipNorm)) {
      throw new IllegalArgumentException("clip norm " + clipNorm + " must be positive");
    }
    this.learningRate = learningRate;
    this.clipNorm = clipNorm;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Op applyGradients(List<GradAndVar<? extends TType>> gradsAndVars, String name) {
    List<Operand<TFloat32>> squares = new ArrayList<>();
    for (GradAndVar<? extends TType> gv : gradsAndVars) {
      // l2Loss is sum(g²) / 2
      squares.add(tf.math.mul(tf.nn.l2Loss((Output<TFloat32>) gv.getGradient()), tf.constant(2f)));
    }
    Operand<TFloat32> norm = tf.math.sqrt(tf.math.addN(squares));
    Operand<TFloat32> scale = tf.math.div(tf.constant(clipNorm), tf.math.maximum(norm, tf.constant(clipNorm)));
    List<GradAndVar<? extends TType>> clipped = new ArrayList<>();
    for (GradAndVar<? extends TType> gv : gradsAndVars) {
      clipped.add(new GradAndVar(tf.math.mul((Output<TFloat32>) gv.getGradient(), scale).asOutput(),
          gv.getVariable()));
    }
    return super.applyGradients(clipped, name);
  }

  @Override
  protected Optional<Op> prepare(String scopeName) {
    return Optional.empty();
  }

  @Override
  protected <T extends TType> Op applyDense(Ops deps, Output<T> gradient, Output<T> variable) {
    return deps.train.applyGradientDescent(variable, deps.dtypes.cast(learningRate, gradient.type()), gradient);
  }

  @Override
  public String getOptimizerName() {
    return "ClippedSgd";
  }
}
