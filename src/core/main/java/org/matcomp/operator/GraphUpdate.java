package org.matcomp.operator;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.hostcallback.HostCall;
import org.matcomp.hostcallback.HostCallback;
import org.matcomp.hostcallback.HostCallbackOp;
import org.matcomp.hostcallback.HostCallbacks;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.Svd;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;
import org.matcomp.compressor.lowrank.LowRankCompressor;
import org.matcomp.compressor.lowrank.LowRankMethod;

/**
 * graph_compression's update_option 0: the update as graph ops that run inside {@code Session.run} with the train
 * op, so a client that only runs the train op compresses. The rule is {@link CompressionSchedule}'s, in TF ops:
 * when the step is due, the first update factors A — low-rank with TF's Svd op, every other method through a
 * {@code MatcompHostCallback} into the same Java compressor the host path uses — and every update lowers α exactly
 * as the host path does (in float64, from the update count).
 *
 * <p>The factorisation and the assignments sit behind {@code Switch} nodes, so on a step that is not due they do not
 * run at all; a {@code Merge} makes the returned op alive either way, so a train op may depend on it. The callback is
 * registered under a name that carries its matrix and spec ({@link #callbackName}), so an exported training graph
 * runs in a fresh JVM after {@link GraphUpdates#registerCallbacks}.
 */
final class GraphUpdate {
  private GraphUpdate() {}

  /** Callback names of update nodes start with this; the rest says which matrix and spec (see {@link #callbackName}). */
  static final String CALLBACK_PREFIX = "matcomp_update:";

  private static final java.util.concurrent.atomic.AtomicLong NONCE = new java.util.concurrent.atomic.AtomicLong();

  /**
   * A callback name that carries everything a fresh JVM needs to re-register it: the matrix name, a nonce that keeps
   * two graphs of one JVM apart, and the spec's hparam string.
   */
  static String callbackName(String matrix, CompressionSpec spec) {
    return CALLBACK_PREFIX + matrix + ":" + Long.toHexString(System.nanoTime() ^ NONCE.incrementAndGet() << 40) + ":"
        + spec.toHparamString();
  }

  /** Builds the update of {@code m} driven by {@code step}; returns an op that is alive on every step. */
  static Op build(Ops tf, CompressedMatrix m, String prefix, Operand<TInt64> step) {
    CompressionSpec spec = m.spec();
    Ops u = tf.withSubScope(prefix + "_graph_update");
    Variable<TInt64> last = m.lastUpdateStep();
    Operand<TBool> inRange = u.math.greaterEqual(step, u.constant(spec.beginCompressionStep()));
    if (spec.endCompressionStep() >= 0) {
      inRange = u.math.logicalAnd(inRange, u.math.lessEqual(step, u.constant(spec.endCompressionStep())));
    }
    Operand<TBool> due = u.math.lessEqual(u.math.add(last, u.constant(spec.compressionFrequency())), step);
    Operand<TBool> should = u.withName("should_update").math.logicalAnd(inRange, due);
    Operand<TBool> first = u.math.logicalAnd(should, u.math.less(last, u.constant(0L)));

    // Factors, once: only when due and never factored. Switch on a read of A, not on the ref itself.
    SwitchCond<TFloat32> aIfFirst = u.switchCond(u.identity(m.dense()), first);
    List<Operand<? extends TType>> values = factorValues(u, m, prefix, aIfFirst.outputTrue());
    List<Op> factorAssigns = new ArrayList<>();
    List<FactorSpec> layout = m.factors().layout();
    for (int i = 0; i < layout.size(); i++) {
      factorAssigns.add(assign(u, m.factors().variable(layout.get(i).name()), values.get(i)));
    }
    Op factored = revive(u, first, factorAssigns, "factored");

    // α and the last update step, on every due step, strictly after the factors: `first` reads the last update
    // step, so writing it any earlier would let the factorisation see itself as already done.
    Ops after = u.withControlDependencies(List.of(factored));
    SwitchCond<TFloat32> alphaIfDue = after.switchCond(after.identity(m.alphaVariable()), should);
    SwitchCond<TInt64> stepIfDue = after.switchCond(after.identity(step), should);
    Op alphaAssign = after.assign(m.alphaVariable(), nextAlpha(after, spec, alphaIfDue.outputTrue()));
    Op stepAssign = after.assign(last, stepIfDue.outputTrue());
    return revive(u, should, List.of(alphaAssign, stepAssign), "done");
  }

  /** α after one more update, as {@link CompressionSchedule#nextAlpha} computes it, in float64. */
  private static Operand<TFloat32> nextAlpha(Ops u, CompressionSpec spec, Operand<TFloat32> alpha) {
    double dec = spec.alphaDecrementValue();
    Operand<TFloat64> a = u.dtypes.cast(alpha, TFloat64.class);
    Operand<TFloat64> one = u.constant(1.0);
    Operand<TFloat64> d = u.constant(dec);
    Operand<TFloat64> n = u.math.add(u.math.round(u.math.div(u.math.sub(one, a), d)), one);
    Operand<TFloat64> next = u.math.sub(one, u.math.mul(n, d));
    Operand<TFloat64> snapped = u.select(u.math.lessEqual(next, u.constant(dec * 1e-6)), u.constant(0.0), next);
    Operand<TFloat64> result = u.select(u.math.lessEqual(a, u.constant(0.0)), u.constant(0.0), snapped);
    return u.dtypes.cast(result, TFloat32.class);
  }

  private static List<Operand<? extends TType>> factorValues(Ops u, CompressedMatrix m, String prefix,
      Operand<TFloat32> a) {
    if (m.spec().method() == LowRankMethod.INSTANCE) {
      return lowRankWithSvdOp(u, m, a);
    }
    String callback = callbackName(m.name(), m.spec());
    HostCallbacks.register(callback, factorCallback(m.name(), m.compressor()));
    List<Class<? extends TType>> types = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    for (FactorSpec f : m.factors().layout()) {
      types.add(FactorTensors.tfType(f.type()));
      shapes.add(FactorTensors.shape(f));
    }
    HostCallbackOp op = HostCallbackOp.create(u.scope(), List.of(a), types, shapes, callback);
    List<Operand<? extends TType>> out = new ArrayList<>();
    op.outputs().forEach(out::add);
    return out;
  }

  /** B = U_r·√S_r, C = √S_r·V_rᵀ from TF's Svd op, as {@code LowRankCompressor} forms them. */
  private static List<Operand<? extends TType>> lowRankWithSvdOp(Ops u, CompressedMatrix m, Operand<TFloat32> a) {
    int r = m.factors().spec("C").shape()[0];
    Svd<TFloat32> svd = u.linalg.svd(a, Svd.computeUv(true), Svd.fullMatrices(false));
    Operand<TFloat32> root = u.math.sqrt(u.slice(svd.s(), u.constant(new int[] {0}), u.constant(new int[] {r})));
    Operand<TFloat32> ur = u.slice(svd.u(), u.constant(new int[] {0, 0}), u.constant(new int[] {-1, r}));
    Operand<TFloat32> vr = u.slice(svd.v(), u.constant(new int[] {0, 0}), u.constant(new int[] {-1, r}));
    Operand<TFloat32> b = u.math.mul(ur, root);
    Operand<TFloat32> c = u.linalg.transpose(u.math.mul(vr, root), u.constant(new int[] {1, 0}));
    return List.of(b, c);
  }

  /** The callback: the same compressor call as the host path, on the A that TF hands over. */
  static HostCallback factorCallback(String matrix, MatrixCompressor compressor) {
    return call -> factorOnHost(matrix, compressor, call);
  }

  private static void factorOnHost(String matrix, MatrixCompressor compressor, HostCall call) {
    long[] shape2 = call.input(0).shape();
    FloatMatrix a = FloatMatrix.adopt(Math.toIntExact(shape2[0]), Math.toIntExact(shape2[1]),
        call.input(0).toFloatArray());
    Factorization f = compressor.compress(matrix, a);
    List<Factor> factors = f.factors();
    for (int i = 0; i < factors.size(); i++) {
      Factor factor = factors.get(i);
      long[] shape = FactorTensors.shape(factor.spec()).asArray();
      switch (factor.spec().type()) {
        case FLOAT32, FLOAT16, BFLOAT16, INT8, INT8_PER_TENSOR -> call.setOutput(i, factor.floats(), shape);
        case INT32 -> call.setOutput(i, factor.ints(), shape);
        case UINT8, UINT4, UINT2, UINT1 -> {
          int[] v = factor.ints();
          byte[] b = new byte[v.length];
          for (int j = 0; j < v.length; j++) {
            b[j] = (byte) v[j];
          }
          call.setOutput(i, b, shape);
        }
        case BIT -> {
          int[] v = factor.ints();
          boolean[] b = new boolean[v.length];
          for (int j = 0; j < v.length; j++) {
            b[j] = v[j] != 0;
          }
          call.setOutput(i, b, shape);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Op assign(Ops u, Variable<? extends TType> variable, Operand<? extends TType> value) {
    return u.assign((Variable<TType>) variable, (Operand<TType>) value);
  }

  /**
   * An op that runs after {@code effects} when {@code pred} holds and right away otherwise: the Merge of the two
   * outputs of Switch(pred, pred), one of which is always alive.
   */
  private static Op revive(Ops u, Operand<TBool> pred, List<Op> effects, String name) {
    SwitchCond<TBool> sw = u.switchCond(pred, pred);
    Operand<TBool> taken = u.withControlDependencies(effects).identity(sw.outputTrue());
    return u.withName(name).merge(List.of(sw.outputFalse(), taken));
  }
}
