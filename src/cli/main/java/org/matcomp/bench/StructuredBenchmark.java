package org.matcomp.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.StructuredCompressor;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.operator.CompressedMatrix;
import org.matcomp.operator.MatrixCompression;
import org.matcomp.operator.Phase;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.matcomp.compressor.blockdiagonal.BlockDiagonalCompressor;
import org.matcomp.compressor.inputoutput.InputOutputCompressor;
import org.matcomp.compressor.mixedblock.MixedBlockCompressor;

/**
 * The structured methods (options 9, 10, 12) at one compression ratio (≈16× on a square matrix): the Java fit of a
 * Gaussian matrix and of a structured-plus-noise one (seconds and relative error), and one Adam train step of a layer
 * x·W (forward, gradients, update) against the same step on a dense W, timed in pairs.
 */
public final class StructuredBenchmark {
  /**
   * The matrix size (n × n; the compressors' block sizes need 32 | n), the train step's batch and its timed runs.
   * {@link #FULL} is the measurement; {@link #SMOKE} only proves the code path works (its timings mean nothing).
   */
  public record Sizes(int n, int batch, int runs) {
    public static final Sizes FULL = new Sizes(1024, 256, 10);
    public static final Sizes SMOKE = new Sizes(64, 8, 2);
  }

  private StructuredBenchmark() {}

  public static JsonObject run() {
    return run(Sizes.FULL);
  }

  public static JsonObject run(Sizes sizes) {
    return run(sizes.n(), sizes.batch(), sizes.runs());
  }

  public static JsonObject run(int n, int batch, int runs) {
    JsonObject o = new JsonObject();
    o.addProperty("size", n);
    o.addProperty("batch", batch);
    o.addProperty("runs", runs);
    FloatMatrix gaussian = gaussian(n, n, 1, 1f);
    JsonArray methods = new JsonArray();
    for (StructuredCompressor c : compressors(n)) {
      JsonObject m = new JsonObject();
      m.addProperty("method", c.method().name());
      m.addProperty("compressor", c.toString());
      Factorization fit = timedFit(c, gaussian, m, "gaussian");
      m.addProperty("compressed_params", fit.size().compressedParams());
      m.addProperty("compression_ratio", fit.size().ratio());
      FloatMatrix teacher = c.initialFactors("teacher", n, n, 7).product();
      FloatMatrix noisy = plus(teacher, gaussian(n, n, 2, 0.1f * (float) (teacher.frobeniusNorm() / n)));
      timedFit(c, noisy, m, "structure_plus_10pct_noise");
      StepTimer.Paired step = trainStep(c, n, batch, runs);
      m.addProperty("dense_step_ms", 1e3 * step.medianA());
      m.addProperty("structured_step_ms", 1e3 * step.medianB());
      m.addProperty("step_time_ratio", step.ratio());
      methods.add(m);
    }
    o.add("methods", methods);
    return o;
  }

  private static List<StructuredCompressor> compressors(int n) {
    List<StructuredCompressor> list = new ArrayList<>();
    list.add(InputOutputCompressor.both(32, 4, 32, 4));
    list.add(BlockDiagonalCompressor.withBlocks(16));
    list.add(MixedBlockCompressor.withBlocks(16, 1));
    return list;
  }

  private static Factorization timedFit(StructuredCompressor c, FloatMatrix a, JsonObject out, String label) {
    long t0 = System.nanoTime();
    Factorization f = c.compress(label, a);
    out.addProperty(label + "_fit_seconds", (System.nanoTime() - t0) / 1e9);
    out.addProperty(label + "_rel_error", a.relativeErrorTo(f.product()));
    f.diagnostics().forEach((k, v) -> out.addProperty(label + "_" + k, v));
    return f;
  }

  /** Paired medians of one Adam step: dense W (a) vs the structured layer (b). */
  private static StepTimer.Paired trainStep(StructuredCompressor c, int n, int batch, int runs) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = constant(tf, gaussian(batch, n, 3, 1f));
      Operand<TFloat32> target = constant(tf, gaussian(batch, n, 4, 1f));
      Variable<TFloat32> dense = tf.withName("dense").variable(constant(tf, gaussian(n, n, 5, 0.03f)));
      Op denseStep = adamStep(g, tf, tf.linalg.matMul(x, dense), target, List.of(dense), "dense");
      Variable<TFloat32> a = tf.withName("kernel").variable(constant(tf, gaussian(n, n, 6, 0.03f)));
      CompressedMatrix cm = MatrixCompression.applyStructured(tf, a,
          CompressionSpec.builder().name("bench").method(c.method()).build(), c);
      Op structuredStep = adamStep(g, tf, cm.matmul(tf, x, Phase.COMPRESSED), target,
          cm.trainableVariables(Phase.COMPRESSED), "structured");
      s.initialize();
      return StepTimer.paired(3, runs, () -> s.runner().addTarget(denseStep).run().close(),
          () -> s.runner().addTarget(structuredStep).run().close());
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Op adamStep(Graph g, Ops tf, Operand<TFloat32> y, Operand<TFloat32> target,
      List<Variable<TFloat32>> vars, String name) {
    Operand<TFloat32> loss = tf.math.mean(tf.math.squaredDifference(y, target), tf.constant(new int[] {0, 1}));
    Output<?>[] xs = vars.stream().map(Variable::asOutput).toArray(Output[]::new);
    Output<?>[] grads = g.addGradients(loss.asOutput(), xs);
    List<Optimizer.GradAndVar<?>> gv = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      gv.add(new Optimizer.GradAndVar<>((Output<TFloat32>) grads[i], vars.get(i).asOutput()));
    }
    return new Adam(g, "adam_" + name, 1e-3f).applyGradients((List) gv, "step_" + name);
  }

  private static FloatMatrix gaussian(int m, int n, long seed, float scale) {
    Random rnd = new Random(seed);
    float[] v = new float[m * n];
    for (int i = 0; i < v.length; i++) {
      v[i] = scale * (float) rnd.nextGaussian();
    }
    return FloatMatrix.adopt(m, n, v);
  }

  private static FloatMatrix plus(FloatMatrix a, FloatMatrix b) {
    float[] x = a.copyData();
    float[] y = b.copyData();
    for (int i = 0; i < x.length; i++) {
      x[i] += y[i];
    }
    return FloatMatrix.adopt(a.rows(), a.cols(), x);
  }

  private static Operand<TFloat32> constant(Ops tf, FloatMatrix m) {
    return tf.constant(Shape.of(m.rows(), m.cols()), DataBuffers.of(m.copyData()));
  }
}
