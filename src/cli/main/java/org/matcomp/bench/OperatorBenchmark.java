package org.matcomp.bench;

import com.google.gson.JsonObject;
import java.util.List;
import org.matcomp.operator.CompressedMatrix;
import org.matcomp.operator.MatrixCompression;
import org.matcomp.operator.Phase;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.UpdateOption;
import org.matcomp.train.PhasedTrainer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.GradientDescent;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.matcomp.compressor.lowrank.LowRankCompressor;

/**
 * Training-step time of one dense layer y = x·W (W n×n, x batch×n, loss ½‖y‖²/batch, plain SGD) against the same
 * layer compressed to low rank, in each phase, in one process. Ratios are compressed / plain step time; the plain
 * step is re-measured beside each phase so drift on a shared machine cancels.
 */
public final class OperatorBenchmark {
  private OperatorBenchmark() {}

  public static JsonObject run(int n, int batch, int rank, int runs) {
    try (Layer plain = new Layer(n, batch, null); Layer compressed = new Layer(n, batch, rank)) {
      JsonObject o = new JsonObject();
      o.addProperty("size", n);
      o.addProperty("batch", batch);
      o.addProperty("rank", rank);
      o.addProperty("runs", runs);
      StepTimer.Paired before = StepTimer.paired(2, runs, plain.step(Phase.DENSE), compressed.step(Phase.DENSE));
      compressed.update(0); // snapshot: factor A, α = 0.5
      StepTimer.Paired blending =
          StepTimer.paired(2, runs, plain.step(Phase.DENSE), compressed.step(Phase.BLENDING));
      compressed.update(1); // α = 0
      StepTimer.Paired after =
          StepTimer.paired(2, runs, plain.step(Phase.DENSE), compressed.step(Phase.COMPRESSED));
      o.addProperty("plain_step_ms", 1e3 * (before.medianA() + blending.medianA() + after.medianA()) / 3);
      o.addProperty("compressed_step_ms_before_snapshot", 1e3 * before.medianB());
      o.addProperty("compressed_step_ms_blending", 1e3 * blending.medianB());
      o.addProperty("compressed_step_ms_after_switch", 1e3 * after.medianB());
      o.addProperty("ratio_before_snapshot", before.ratio());
      o.addProperty("ratio_blending", blending.ratio());
      o.addProperty("ratio_after_switch", after.ratio());
      o.addProperty("flop_ratio_after_switch", (double) rank * 2 * n / ((double) n * n));
      return o;
    }
  }

  /** One graph and session holding a layer, plain (rank null) or compressed, with a train op per phase. */
  private static final class Layer implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final PhasedTrainer trainer;
    private final CompressedMatrix matrix;

    Layer(int n, int batch, Integer rank) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> w = tf.withName("W").variable(tf.math.mul(
          tf.random.randomStandardNormal(tf.constant(new long[] {n, n}), TFloat32.class),
          tf.constant((float) (1 / Math.sqrt(n)))));
      Variable<TFloat32> x = tf.withName("x").variable(
          tf.random.randomStandardNormal(tf.constant(new long[] {batch, n}), TFloat32.class));
      float scale = 0.5f / batch;
      if (rank == null) {
        matrix = null;
        trainer = new PhasedTrainer(graph, tf, List.of(), List.of(w),
            phase -> loss(tf, tf.linalg.matMul(x, w), scale), (g, name) -> new GradientDescent(g, 1e-3f));
      } else {
        CompressionSpec spec = CompressionSpec.builder().name("bench").beginCompressionStep(0)
            .compressionFrequency(1).alphaDecrementValue(0.5).updateOption(UpdateOption.HOST).absoluteRank(rank)
            .build();
        matrix = MatrixCompression.apply(tf, w, spec, LowRankCompressor.withRank(rank));
        trainer = new PhasedTrainer(graph, tf, List.of(matrix), List.of(),
            phase -> loss(tf, matrix.matmul(tf, x, phase), scale), (g, name) -> new GradientDescent(g, 1e-3f));
      }
      session = new Session(graph);
      session.initialize();
    }

    private static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> y, float scale) {
      return tf.math.mul(tf.constant(scale), tf.sum(tf.math.square(y), tf.constant(new int[] {0, 1})));
    }

    void update(long step) {
      matrix.hostUpdate().runUpdateStep(session, step);
    }

    Runnable step(Phase phase) {
      Op op = trainer.trainOp(phase);
      return () -> session.runner().addTarget(op).run().close();
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  /** Convenience for callers that only need the defaults of the issue: 4096², batch 256, rank 64. */
  public static JsonObject runDefault() {
    return run(4096, 256, 64, 10);
  }
}
