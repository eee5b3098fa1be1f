package org.matcomp.bench;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.matcomp.operator.CompressedMatrix;
import org.matcomp.operator.MatrixCompression;
import org.matcomp.operator.Phase;
import org.matcomp.operator.PhaseGate;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.UpdateOption;
import org.matcomp.train.GatedTrainOp;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.GradientDescent;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.matcomp.compressor.lowrank.LowRankCompressor;

/**
 * Training-step time of one layer y = x·W (W n×n, x batch×n, loss ½‖y‖²/batch, plain SGD) read through the in-graph
 * phase gate with ONE train op ({@link GatedTrainOp}), against a plain dense layer, at α = 1, 0.5 and 0. Each ratio
 * is gated / plain from runs that alternate the two, so load from elsewhere hits both alike.
 *
 * <p>Two references beside the gate at α = 0: the host-specialised compressed train op (what
 * {@link org.matcomp.train.PhasedTrainer} runs when the host knows the phase), and a stock optimizer over all
 * variables with the dead side's gradients replaced by zeros ({@link PhaseGate#zeroWhenDead}), which still updates
 * A. α is set by assigning its variable: step time does not depend on the factors' values, so no SVD is run.
 */
public final class PhaseGateBenchmark {
  private static final float LEARNING_RATE = 1e-3f;

  private PhaseGateBenchmark() {}

  /** The sizes: 4096², batch 256, rank 64, 10 paired runs per measurement. */
  public static JsonObject run() {
    return run(4096, 256, 64, 10);
  }

  public static JsonObject run(int n, int batch, int rank, int runs) {
    try (Plain plain = new Plain(n, batch); Gated gated = new Gated(n, batch, rank)) {
      gated.setAlpha(1f);
      StepTimer.Paired before = StepTimer.paired(2, runs, plain::step, gated::step);
      gated.setAlpha(0.5f);
      StepTimer.Paired blending = StepTimer.paired(2, runs, plain::step, gated::step);
      gated.setAlpha(0f);
      StepTimer.Paired after = StepTimer.paired(2, runs, plain::step, gated::step);
      StepTimer.Paired vsSpecialised = StepTimer.paired(2, runs, gated::specialisedStep, gated::step);
      StepTimer.Paired zeroGrad = StepTimer.paired(2, runs, plain::step, gated::zeroGradientStep);

      JsonObject o = new JsonObject();
      o.addProperty("size", n);
      o.addProperty("batch", batch);
      o.addProperty("rank", rank);
      o.addProperty("runs", runs);
      o.addProperty("mechanism", "Switch/Merge with Java gradients, one train op, ControlTrigger join");
      o.addProperty("plain_step_ms", 1e3 * (before.medianA() + blending.medianA() + after.medianA()) / 3);
      o.addProperty("gated_step_ms_before_snapshot", 1e3 * before.medianB());
      o.addProperty("gated_step_ms_blending", 1e3 * blending.medianB());
      o.addProperty("gated_step_ms_after_switch", 1e3 * after.medianB());
      o.addProperty("ratio_before_snapshot_ingraph", before.ratio());
      o.addProperty("ratio_blending_ingraph", blending.ratio());
      o.addProperty("ratio_after_switch_ingraph", after.ratio());
      o.addProperty("specialised_step_ms_after_switch", 1e3 * vsSpecialised.medianA());
      o.addProperty("ratio_gated_vs_specialised_after_switch", vsSpecialised.ratio());
      o.addProperty("zero_gradient_step_ms_after_switch", 1e3 * zeroGrad.medianB());
      o.addProperty("ratio_after_switch_zero_gradient", zeroGrad.ratio());
      o.addProperty("flop_ratio_after_switch", (double) rank * 2 * n / ((double) n * n));
      return o;
    }
  }

  private static Operand<TFloat32> randomMatrix(Ops tf, long rows, long cols) {
    return tf.math.mul(tf.random.randomStandardNormal(tf.constant(new long[] {rows, cols}), TFloat32.class),
        tf.constant((float) (1 / Math.sqrt(cols))));
  }

  private static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> y, int batch) {
    return tf.math.mul(tf.constant(0.5f / batch), tf.sum(tf.math.square(y), tf.constant(new int[] {0, 1})));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Op sgd(Graph g, Ops tf, String name, Operand<TFloat32> loss, List<Variable<TFloat32>> vars,
      Variable<TInt64> step) {
    Output<?>[] grads = g.addGradients(loss.asOutput(), vars.stream().map(Variable::asOutput).toArray(Output[]::new));
    List<Optimizer.GradAndVar<?>> gv = new ArrayList<>();
    for (int i = 0; i < grads.length; i++) {
      gv.add(new Optimizer.GradAndVar<>((Output<TFloat32>) grads[i], vars.get(i).asOutput()));
    }
    Op apply = new GradientDescent(g, LEARNING_RATE).applyGradients((List) gv, name);
    return tf.withControlDependencies(List.of(apply)).assignAdd(step, tf.constant(1L));
  }

  /** The plain dense layer and its SGD train op. */
  private static final class Plain implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Op train;

    Plain(int n, int batch) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> w = tf.withName("W").variable(randomMatrix(tf, n, n));
      Variable<TFloat32> x = tf.withName("x").variable(randomMatrix(tf, batch, n));
      Variable<TInt64> step = tf.withName("global_step").variable(tf.constant(0L));
      train = sgd(graph, tf, "train", loss(tf, tf.linalg.matMul(x, w), batch), List.of(w), step);
      session = new Session(graph);
      session.initialize();
    }

    void step() {
      session.runner().addTarget(train).run().close();
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  /** The compressed layer with the gated train op and the two reference train ops, sharing its variables. */
  private static final class Gated implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Op gatedTrain;
    private final Op specialisedTrain;
    private final Op zeroGradientTrain;
    private final Placeholder<TFloat32> alphaFeed;
    private final Op alphaAssign;

    @SuppressWarnings("unchecked")
    Gated(int n, int batch, int rank) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> a = tf.withName("W").variable(randomMatrix(tf, n, n));
      Variable<TFloat32> x = tf.withName("x").variable(randomMatrix(tf, batch, n));
      CompressionSpec spec = CompressionSpec.builder().name("bench").beginCompressionStep(0).compressionFrequency(1)
          .alphaDecrementValue(0.5).updateOption(UpdateOption.HOST).absoluteRank(rank).build();
      CompressedMatrix cm = MatrixCompression.apply(tf, a, spec, LowRankCompressor.withRank(rank));
      Variable<TFloat32> b = cm.factors().floats("B");
      Variable<TFloat32> c = cm.factors().floats("C");
      Variable<TInt64> step = tf.withName("global_step").variable(tf.constant(0L));

      Operand<TFloat32> gatedLoss = loss(tf, PhaseGate.matmul(tf, cm, x), batch);
      gatedTrain = GatedTrainOp.build(graph, tf, gatedLoss, GatedTrainOp.groups(List.of(cm), List.of()),
          (g, name) -> new GradientDescent(g, LEARNING_RATE), step);
      specialisedTrain = sgd(graph, tf, "train_specialised", loss(tf, cm.matmul(tf, x, Phase.COMPRESSED), batch),
          List.of(b, c), step);
      zeroGradientTrain = zeroGradientSgd(tf, gatedLoss, cm, step);

      alphaFeed = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      alphaAssign = tf.assign(cm.alphaVariable(), alphaFeed);
      Op fillB = tf.assign(b, randomMatrix(tf, n, rank));
      Op fillC = tf.assign(c, randomMatrix(tf, rank, n));
      session = new Session(graph);
      session.initialize();
      session.runner().addTarget(fillB).addTarget(fillC).run().close();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Op zeroGradientSgd(Ops tf, Operand<TFloat32> loss, CompressedMatrix cm, Variable<TInt64> step) {
      List<Variable<TFloat32>> vars = List.of(cm.dense(), cm.factors().floats("B"), cm.factors().floats("C"));
      Output<?>[] grads = graph.addGradients(loss.asOutput(),
          vars.stream().map(Variable::asOutput).toArray(Output[]::new));
      Operand<TBool> denseLive = PhaseGate.readsDense(tf, cm.alphaVariable());
      Operand<TBool> factorsLive = PhaseGate.readsFactors(tf, cm.alphaVariable());
      List<Optimizer.GradAndVar<?>> gv = new ArrayList<>();
      for (int i = 0; i < vars.size(); i++) {
        Operand<TFloat32> g = PhaseGate.zeroWhenDead(tf, (Output<TFloat32>) grads[i], vars.get(i),
            i == 0 ? denseLive : factorsLive);
        gv.add(new Optimizer.GradAndVar<>(g.asOutput(), vars.get(i).asOutput()));
      }
      Op apply = new GradientDescent(graph, LEARNING_RATE).applyGradients((List) gv, "train_zero_gradient");
      return tf.withControlDependencies(List.of(apply)).assignAdd(step, tf.constant(1L));
    }

    void setAlpha(float alpha) {
      try (TFloat32 t = TFloat32.scalarOf(alpha)) {
        session.runner().feed(alphaFeed, t).addTarget(alphaAssign).run().close();
      }
    }

    void step() {
      session.runner().addTarget(gatedTrain).run().close();
    }

    void specialisedStep() {
      session.runner().addTarget(specialisedTrain).run().close();
    }

    void zeroGradientStep() {
      session.runner().addTarget(zeroGradientTrain).run().close();
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }
}
