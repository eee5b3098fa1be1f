package org.matcomp.operator;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.StructuredCompressor;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.UpdateOption;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;
import org.matcomp.compressor.lowrank.LowRankCompressor;
import org.matcomp.compressor.prune.PruneMethod;

/**
 * Entry point of the operator: {@code apply compression} to a 2-D float variable of a graph built in Java.
 *
 * <pre>{@code
 * Variable<TFloat32> w = tf.withName("dense1_kernel").variable(init);
 * CompressedMatrix cm = MatrixCompression.apply(tf, w, CompressionSpec.parse("rank=200,compression_option=1"));
 * Operand<TFloat32> y = cm.matmul(tf, x);                    // α·x·A + (1−α)·x·B·C
 * ...
 * cm.hostUpdate().runUpdateStep(session, step);              // update_option=1, between runs
 * }</pre>
 *
 * Every variable it creates is a VariableV2 named after A ({@code <A>_B}, {@code <A>_alpha}, ...) with no '/', so
 * that TF Java's saver and the framework optimizers handle them.
 */
public final class MatrixCompression {
  private MatrixCompression() {}

  /**
   * Compresses {@code a} by the spec's method as graph_compression does: pruning makes a {@link PrunedMatrix}
   * (A ⊙ mask, A keeps training); the structured methods (input/output, block, mixed block) a
   * {@link CompressedMatrix} whose factors train from scratch ({@link #applyStructured}); every other factor method
   * a {@link CompressedMatrix} that takes over from A through the α blend.
   */
  public static CompressedWeight compress(Ops tf, Variable<TFloat32> a, CompressionSpec spec) {
    if (spec.method() == PruneMethod.INSTANCE) {
      return PrunedMatrix.apply(tf, a, spec);
    }
    MatrixCompressor compressor = spec.compressor();
    return compressor instanceof StructuredCompressor s ? applyStructured(tf, a, spec, s)
        : apply(tf, a, spec, compressor);
  }

  /**
   * The reference's options 9, 10 and 12: the factors replace x·A from step 0 and train from scratch, starting from
   * {@link StructuredCompressor#initialFactors} (Xavier-uniform) drawn with a per-matrix seed (the spec's seed mixed
   * with A's name, so equal-shaped layers start apart, as the reference's single numpy stream makes them).
   * See {@link #applyStructured(Ops, Variable, CompressionSpec, StructuredCompressor, Factorization)}.
   */
  public static CompressedMatrix applyStructured(Ops tf, Variable<TFloat32> a, CompressionSpec spec,
      StructuredCompressor compressor) {
    String name = a.op().name();
    int[] shape = matrixShape(a);
    return applyStructured(tf, a, spec, compressor,
        compressor.initialFactors(name, shape[0], shape[1], structuredSeed(spec.seed(), name)));
  }

  /**
   * A matrix that is in the COMPRESSED phase from the start: its factors are variables initialised to
   * {@code initial} (e.g. {@code compressor.compress(name, A)} of a known A, for a warm start; or call
   * {@code hostUpdate().fitFactorsToDense(session)} to fit A's value in a session), α is a variable fixed at 0 and the
   * spec's update option is forced to 3 (none), so nothing but the optimizer ever changes the factors and the trainers
   * train the factors only. A stays in the graph, unread.
   */
  public static CompressedMatrix applyStructured(Ops tf, Variable<TFloat32> a, CompressionSpec spec,
      StructuredCompressor compressor, Factorization initial) {
    String name = a.op().name();
    int[] shape = matrixShape(a);
    int rows = shape[0];
    int cols = shape[1];
    checkArgument(compressor.method().equals(spec.method()), "variable %s: spec says %s but the compressor is %s", name,
        spec.method(), compressor.method());
    checkArgument(initial.rows() == rows && initial.cols() == cols,
        "variable %s is %sx%s but its initial factors are for %sx%s", name, rows, cols, initial.rows(),
        initial.cols());
    List<FactorSpec> layout = compressor.layout(name, rows, cols);
    List<Factor> values = initial.factors();
    checkArgument(values.stream().map(Factor::spec).toList().equals(layout),
        "variable %s: initial factors %s do not match the layout %s", name, values, layout);
    CompressionSpec noUpdate = spec.updateOption() == UpdateOption.NONE ? spec
        : spec.toBuilder().updateOption(UpdateOption.NONE).build();
    String prefix = prefixOf(name);
    List<Variable<? extends TType>> vars = new ArrayList<>();
    for (Factor f : values) {
      checkArgument(f.spec().type() == FactorType.FLOAT32, "variable %s: structured factor %s is %s, not float",
          name, f.name(), f.spec().type());
      vars.add(tf.withName(prefix + "_" + f.name()).variable(
          tf.constant(FactorTensors.shape(f.spec()), DataBuffers.of(f.floats()))));
    }
    FactorVariables factors = new FactorVariables(layout, vars);
    Variable<TFloat32> alpha = tf.withName(prefix + "_alpha").variable(tf.constant(0f));
    Variable<TInt64> last = tf.withName(prefix + "_last_update_step")
        .variable(tf.constant(CompressionSchedule.NEVER));
    HostUpdate.Builder host = new HostUpdate.Builder(tf.withSubScope(prefix), factors, alpha, last);
    return new CompressedMatrix(name, a, rows, cols, noUpdate, compressor,
        GraphProductRules.forMethod(spec.method()), factors, alpha, last, host, true);
  }

  /** A per-matrix seed: stable across runs (String.hashCode is specified), different for different names. */
  static long structuredSeed(long seed, String name) {
    return seed * 0x9E3779B97F4A7C15L + name.hashCode();
  }

  /** Compresses {@code a} with the compressor the spec's method names. */
  public static CompressedMatrix apply(Ops tf, Variable<TFloat32> a, CompressionSpec spec) {
    return apply(tf, a, spec, spec.compressor());
  }

  /**
   * Compresses {@code a} with an explicit compressor (e.g. {@code LowRankCompressor.withRank(64)}) through the α
   * blend. A {@link StructuredCompressor} works here too and then distils A into the structure (fitted to A at the
   * first update, taking over as α decays) instead of training it from scratch as {@link #compress} does.
   */
  public static CompressedMatrix apply(Ops tf, Variable<TFloat32> a, CompressionSpec spec,
      MatrixCompressor compressor) {
    return apply(tf, a, spec, compressor, null);
  }

  /**
   * As {@link #apply(Ops, Variable, CompressionSpec, MatrixCompressor)}, with the step that drives the in-graph update
   * of update_option 0 and 2 ({@link CompressedMatrix#graphUpdate()}); {@code step} may be null for options 1 and 3.
   */
  public static CompressedMatrix apply(Ops tf, Variable<TFloat32> a, CompressionSpec spec,
      MatrixCompressor compressor, Operand<TInt64> step) {
    String name = a.op().name();
    int[] shape = matrixShape(a);
    checkArgument(compressor.method().equals(spec.method()), "variable %s: spec says %s but the compressor is %s", name,
        spec.method(), compressor.method());
    boolean inGraph = spec.updateOption() == UpdateOption.GRAPH || spec.updateOption() == UpdateOption.GRAPH_AND_HOST;
    checkArgument(!inGraph || step != null, "variable %s: update_option=%s updates in the graph and needs the step"
        + " that drives it: use apply(tf, a, spec, compressor, step) (InGraphTrainer.step()), or update_option=1"
        + " (host) with hostUpdate().runUpdateStep(session, step) between runs", name, spec.updateOption().code());
    int rows = shape[0];
    int cols = shape[1];
    String prefix = prefixOf(name);

    List<FactorSpec> layout = compressor.layout(name, rows, cols);
    List<Variable<? extends TType>> vars = new ArrayList<>();
    for (FactorSpec f : layout) {
      vars.add(zeroVariable(tf, prefix + "_" + f.name(), f));
    }
    FactorVariables factors = new FactorVariables(layout, vars);
    Variable<TFloat32> alpha = tf.withName(prefix + "_alpha").variable(tf.constant(1f));
    Variable<TInt64> last = tf.withName(prefix + "_last_update_step")
        .variable(tf.constant(CompressionSchedule.NEVER));
    HostUpdate.Builder host = new HostUpdate.Builder(tf.withSubScope(prefix), factors, alpha, last);
    CompressedMatrix m = new CompressedMatrix(name, a, rows, cols, spec, compressor,
        GraphProductRules.forMethod(spec.method()), factors, alpha, last, host, false);
    if (inGraph) {
      m.setGraphUpdate(GraphUpdate.build(tf, m, prefix, step));
    }
    return m;
  }

  /** A 2-D variable's [rows, cols], or an error naming it. */
  private static int[] matrixShape(Variable<TFloat32> a) {
    String name = a.op().name();
    Shape shape = a.shape();
    checkArgument(shape.numDimensions() == 2, "variable %s has shape %s; only 2-D matrices can be compressed", name,
        shape);
    checkArgument(!shape.hasUnknownDimension(), "variable %s has an unknown dimension in %s", name, shape);
    return new int[] {Math.toIntExact(shape.get(0)), Math.toIntExact(shape.get(1))};
  }

  /** Variables are named {@code <prefix>_<factor>}: A's name with anything a variable name rejects replaced. */
  public static String prefixOf(String name) {
    return name.replaceAll("[^A-Za-z0-9_.\\-]", "_");
  }

  /** Factors start at zero (the reference factors a zero matrix to fix their shapes): α = 1 reads A exactly. */
  @SuppressWarnings("unchecked")
  private static Variable<? extends TType> zeroVariable(Ops tf, String varName, FactorSpec f) {
    Shape shape = FactorTensors.shape(f);
    var dims = tf.constant(shape.asArray());
    Class<? extends TType> type = FactorTensors.tfType(f.type());
    if (type == TBool.class) {
      return tf.withName(varName).variable(tf.fill(dims, tf.constant(false)));
    }
    return tf.withName(varName).variable(tf.zeros(dims, (Class<TType>) type));
  }
}
