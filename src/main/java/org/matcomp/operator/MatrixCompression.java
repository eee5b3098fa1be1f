package org.matcomp.operator;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.compressor.Compressors;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.UpdateOption;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

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
   * Compresses {@code a} by the spec's method: pruning makes a {@link PrunedMatrix} (A ⊙ mask, A keeps training),
   * every factor method a {@link CompressedMatrix}.
   */
  public static CompressedWeight compress(Ops tf, Variable<TFloat32> a, CompressionSpec spec) {
    return spec.method() == org.matcomp.spec.CompressionMethod.PRUNE ? PrunedMatrix.apply(tf, a, spec)
        : apply(tf, a, spec);
  }

  /** Compresses {@code a} with the compressor the spec's method names. */
  public static CompressedMatrix apply(Ops tf, Variable<TFloat32> a, CompressionSpec spec) {
    return apply(tf, a, spec, Compressors.forSpec(spec));
  }

  /** Compresses {@code a} with an explicit compressor (e.g. {@code LowRankCompressor.withRank(64)}). */
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
    Shape shape = a.shape();
    checkArgument(shape.numDimensions() == 2, "variable %s has shape %s; only 2-D matrices can be compressed", name,
        shape);
    checkArgument(!shape.hasUnknownDimension(), "variable %s has an unknown dimension in %s", name, shape);
    checkArgument(compressor.method() == spec.method(), "variable %s: spec says %s but the compressor is %s", name,
        spec.method(), compressor.method());
    boolean inGraph = spec.updateOption() == UpdateOption.GRAPH || spec.updateOption() == UpdateOption.GRAPH_AND_HOST;
    checkArgument(!inGraph || step != null, "variable %s: update_option=%s updates in the graph and needs the step"
        + " that drives it: use apply(tf, a, spec, compressor, step) (InGraphTrainer.step()), or update_option=1"
        + " (host) with hostUpdate().runUpdateStep(session, step) between runs", name, spec.updateOption().code());
    int rows = Math.toIntExact(shape.get(0));
    int cols = Math.toIntExact(shape.get(1));
    String prefix = name.replaceAll("[^A-Za-z0-9_.\\-]", "_");

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
        GraphProductRules.forMethod(spec.method()), factors, alpha, last, host);
    if (inGraph) {
      m.setGraphUpdate(GraphUpdate.build(tf, m, prefix, step));
    }
    return m;
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
