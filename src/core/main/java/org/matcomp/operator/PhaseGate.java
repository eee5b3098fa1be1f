package org.matcomp.operator;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Identity;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * An in-graph phase gate: y = α·dense(x) + (1−α)·factors(x), where TF1 control flow (Switch/Merge) makes only the
 * live side execute, with α read in the graph, so one train op serves every phase without the host knowing it.
 *
 * <pre>
 *   α = 1       y = dense(x)                       the factor side does not run
 *   0 &lt; α &lt; 1   y = α·dense(x) + (1−α)·factors(x)   both run (the reference's blend)
 *   α = 0       y = factors(x)                     the dense side does not run
 * </pre>
 *
 * <p>How: x enters each side through a Switch on that side's predicate ({@link #readsDense} α &gt; 0,
 * {@link #readsFactors} α &lt; 1), and every op a side builds also waits on a pivot of the predicate, so the side's
 * ops receive dead tensors and TF's executor skips them when the predicate is false. A three-way Merge picks the
 * output that is live (dense only, factors only, or the blend). The gradients of Switch and Merge are Java
 * gradients ({@link ControlFlowGradients}, registered here on first use).
 *
 * <p>Gradients, per phase: the gradient wrt x is live in every phase (a Switch's gradient Merges the live side's
 * gradient with zeros for the dead side). A variable a side reads directly (A, the factors) gets a <b>dead</b>
 * gradient while its side is dead: its optimizer update does not run, so it costs nothing and Adam does not move it
 * by its momentum. Build the train op so that dead updates cannot stall it: one optimizer per side and a
 * ControlTrigger joining them ({@code org.matcomp.train.GatedTrainOp}). Callers who prefer one stock optimizer over
 * all variables wrap each side's gradients with {@link #zeroWhenDead}, at the price of a zero update (and Adam's
 * momentum drift) on the dead side. A variable read by both sides would get a dead gradient whenever one side is
 * dead; read such variables outside the gate.
 *
 * <p>Limits: α itself is not differentiable through the gate (its predicates have no gradient; never list α among
 * the variables to differentiate). A NaN α makes both predicates false, so the output is dead and fetching anything
 * downstream fails with "Retval[0] does not have value". A graph imported from a GraphDef must call
 * {@link ControlFlowGradients#ensureRegistered} before {@code addGradients}.
 */
public final class PhaseGate {
  private PhaseGate() {}

  /** One side of the gate: builds its output from x as it enters the side, with the side's Ops. */
  @FunctionalInterface
  public interface Branch {
    /**
     * @param tf builds ops that run only while the side is live (they wait on the side's pivot); build every op of
     *     the side with it
     * @param x the gate's input as seen inside the side (dead while the side is dead)
     */
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x);
  }

  /** True where the dense side is read: α &gt; 0. */
  public static Operand<TBool> readsDense(Ops tf, Operand<TFloat32> alpha) {
    return tf.math.greater(alpha, tf.constant(0f));
  }

  /** True where the factor side is read: α &lt; 1. */
  public static Operand<TBool> readsFactors(Ops tf, Operand<TFloat32> alpha) {
    return tf.math.less(alpha, tf.constant(1f));
  }

  /**
   * α·dense(x) + (1−α)·factors(x), computing only the live side(s). The dense-only and factor-only outputs are the
   * sides' outputs unchanged (no multiplication by 1 or 0), the blend is formed as in {@link CompressedMatrix#matmul}.
   *
   * @param alpha a scalar in [0, 1], read in the graph every step
   */
  public static Operand<TFloat32> gate(Ops tf, Operand<TFloat32> alpha, Operand<TFloat32> x, Branch dense,
      Branch factors) {
    checkArgument(alpha.shape().numDimensions() <= 0, "phase gate: alpha must be a scalar, got shape %s",
        alpha.shape());
    ControlFlowGradients.ensureRegistered();
    Ops g = tf.withSubScope("phase_gate");
    Operand<TBool> denseLive = readsDense(g, alpha);
    Operand<TBool> factorsLive = readsFactors(g, alpha);

    Operand<TFloat32> yd = side(g.withSubScope("dense"), denseLive, x, dense);
    Operand<TFloat32> yf = side(g.withSubScope("factors"), factorsLive, x, factors);

    // yd is live iff α > 0; split it by "factors also live": false → α = 1 (dense only), true → blend.
    SwitchCond<TFloat32> d = g.withName("dense_split").switchCond(yd, factorsLive);
    SwitchCond<TFloat32> f = g.withName("factors_split").switchCond(yf, denseLive);
    Ops b = g.withSubScope("blend");
    Operand<TFloat32> blend = b.math.add(b.math.mul(alpha, d.outputTrue()),
        b.math.mul(b.math.sub(b.constant(1f), alpha), f.outputTrue()));
    return g.withName("output").merge(List.of(d.outputFalse(), f.outputFalse(), blend)).output();
  }

  /**
   * x·W for a compressed matrix through the gate: x·A, the blend, or x·(B⊗C) as α says. With an in-graph update
   * (update_option 0) α and A are read after this run's update, as the other read paths do.
   */
  public static Operand<TFloat32> matmul(Ops tf, CompressedMatrix cm, Operand<TFloat32> x) {
    GraphProductRule rule = GraphProductRules.forMethod(cm.spec().method());
    String scope = MatrixCompression.prefixOf(cm.name()) + "_gate";
    return gate(tf.withSubScope(scope), afterUpdate(tf, cm, cm.alphaVariable()), x,
        (t, xin) -> t.linalg.matMul(xin, afterUpdate(t, cm, cm.dense())),
        (t, xin) -> rule.applyTo(t, xin, cm.factors(), cm.rows(), cm.cols()));
  }

  /**
   * A gradient that is live in every phase: {@code grad} where {@code live} holds, zeros shaped like
   * {@code variable} where it does not (the gradient is dead there). For a stock optimizer over variables of both
   * sides; it costs a zero update of the dead side's variables each step.
   */
  public static Operand<TFloat32> zeroWhenDead(Ops tf, Operand<TFloat32> grad, Operand<TFloat32> variable,
      Operand<TBool> live) {
    Operand<TFloat32> zeros = tf.zerosLike(tf.switchCond(variable, live).outputFalse());
    return tf.merge(List.of(grad, zeros)).output();
  }

  private static Operand<TFloat32> afterUpdate(Ops tf, CompressedMatrix cm, Variable<TFloat32> v) {
    return cm.graphUpdate().<Operand<TFloat32>>map(u -> tf.withControlDependencies(List.of(u)).identity(v))
        .orElse(v);
  }

  private static Operand<TFloat32> side(Ops tf, Operand<TBool> live, Operand<TFloat32> x, Branch branch) {
    SwitchCond<TBool> p = tf.withName("pivot_switch").switchCond(live, live);
    Identity<TBool> pivot = tf.withName("pivot").identity(p.outputTrue());
    Operand<TFloat32> xin = tf.withName("input").switchCond(x, live).outputTrue();
    return branch.apply(tf.withControlDependencies(pivot), xin);
  }
}
