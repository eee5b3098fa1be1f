package org.matcomp.operator;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.prune.PruneCompressor;
import org.matcomp.compressor.prune.PruneParameters;
import org.matcomp.compressor.prune.PrunedFactorization;
import org.matcomp.compressor.prune.PruningMask;
import org.matcomp.compressor.prune.PruningScore;
import org.matcomp.compressor.prune.SparsitySchedule;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TIntegral;

/**
 * Gradual pruning in a graph (graph_compression's model_pruning): the layer reads A ⊙ mask, so masked weights get a
 * zero gradient while A keeps training, and at each mask-update step of the {@link SparsitySchedule} the host
 * scores A, picks the mask at the scheduled sparsity with the compressor's rule (elementwise, blocks or N:M) and
 * assigns it.
 *
 * <p>The mask and the last update step are graph variables (saved with checkpoints). Loss-gradient saliency
 * |w·∂L/∂w| is accumulated in the graph by the train op (no per-step fetch) and read at the mask update; the
 * weight-change scores keep their history on the host. Phases: {@link Phase#DENSE} until the first mask exists,
 * then {@link Phase#COMPRESSED} (there is no blend).
 */
public final class PrunedMatrix implements CompressedWeight {
  private final String name;
  private final Variable<TFloat32> a;
  private final int rows;
  private final int cols;
  private final CompressionSpec spec;
  private final PruneCompressor compressor;
  private final SparsitySchedule schedule;
  private final PruningScore score;
  private final Variable<TFloat32> mask;
  private final Variable<TInt64> lastMaskUpdate;
  private final Variable<TFloat32> saliency;
  private final Placeholder<TFloat32> maskFeed;
  private final Assign<TFloat32> maskAssign;
  private final Placeholder<TInt64> stepFeed;
  private final Assign<TInt64> stepAssign;
  private final Op resetSaliency;
  private long last = Long.MIN_VALUE;

  private PrunedMatrix(Ops tf, Variable<TFloat32> a, CompressionSpec spec) {
    this.name = a.op().name();
    Shape shape = a.shape();
    checkArgument(shape.numDimensions() == 2 && !shape.hasUnknownDimension(),
        "variable %s has shape %s; only 2-D matrices of known shape can be pruned", name, shape);
    this.a = a;
    this.rows = Math.toIntExact(shape.get(0));
    this.cols = Math.toIntExact(shape.get(1));
    this.spec = spec;
    PruneParameters p = (PruneParameters) spec.parameters();
    this.compressor = p.masking();
    this.schedule = p.schedule();
    this.score = compressor.newScore();
    compressor.rule().keptCount(name, rows, cols, schedule.targetSparsity()); // shape errors now, not mid-training
    String prefix = MatrixCompression.prefixOf(name);
    Operand<TInt64> dims = tf.constant(new long[] {rows, cols});
    this.mask = tf.withName(prefix + "_mask").variable(tf.fill(dims, tf.constant(1f)));
    this.lastMaskUpdate = tf.withName(prefix + "_last_mask_update_step")
        .variable(tf.constant(SparsitySchedule.INITIAL_LAST_MASK_UPDATE_STEP));
    this.saliency = score.needsLossGradient()
        ? tf.withName(prefix + "_saliency").variable(tf.zeros(dims, TFloat32.class))
        : null;
    Ops host = tf.withSubScope(prefix).withSubScope("host_update");
    this.maskFeed = host.withName("mask_feed").placeholder(TFloat32.class, Placeholder.shape(Shape.of(rows, cols)));
    this.maskAssign = host.withName("mask_assign").assign(mask, maskFeed);
    this.stepFeed = host.withName("step_feed").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    this.stepAssign = host.withName("step_assign").assign(lastMaskUpdate, stepFeed);
    this.resetSaliency = saliency == null ? null
        : host.withName("saliency_reset").assign(saliency, host.zeros(dims, TFloat32.class));
  }

  /** Prunes {@code a} by the spec's pruning hparams (target_sparsity, begin/end_pruning_step, ...). */
  public static PrunedMatrix apply(Ops tf, Variable<TFloat32> a, CompressionSpec spec) {
    return new PrunedMatrix(tf, a, spec);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public CompressionSpec spec() {
    return spec;
  }

  @Override
  public Variable<TFloat32> dense() {
    return a;
  }

  public Variable<TFloat32> mask() {
    return mask;
  }

  public SparsitySchedule schedule() {
    return schedule;
  }

  private Operand<TFloat32> masked(Ops tf) {
    return tf.math.mul(a, mask);
  }

  /** A before the first mask, A ⊙ mask after. */
  @Override
  public Operand<TFloat32> weight(Ops tf, Phase phase) {
    return phase == Phase.DENSE ? a : masked(tf);
  }

  @Override
  public Operand<TFloat32> matmul(Ops tf, Operand<TFloat32> x, Phase phase) {
    return tf.linalg.matMul(x, weight(tf, phase));
  }

  @Override
  public Operand<TFloat32> lookup(Ops tf, Operand<? extends TIntegral> ids, Phase phase) {
    Operand<TFloat32> rowsOfA = tf.gather(a, ids, tf.constant(0));
    return phase == Phase.DENSE ? rowsOfA : tf.math.mul(rowsOfA, tf.gather(mask, ids, tf.constant(0)));
  }

  @Override
  public Operand<TFloat32> einsum(Ops tf, Operand<TFloat32> x, EinsumRead read, Phase phase) {
    read.check(name, rows, cols);
    return read.dense(tf, x, weight(tf, phase));
  }

  @Override
  public List<Variable<TFloat32>> trainableVariables(Phase phase) {
    return List.of(a);
  }

  /** Accumulates |A ⊙ ∂L/∂A| each step when the score is loss-gradient saliency. */
  @Override
  public List<Op> onGradients(Ops tf, Phase phase, Map<Variable<TFloat32>, Operand<TFloat32>> gradients) {
    if (saliency == null) {
      return List.of();
    }
    return List.of(tf.assignAdd(saliency, tf.math.abs(tf.math.mul(a, gradients.get(a)))));
  }

  /**
   * For serving: the kept values and their positions as {@link #storedLayout} says — a bitmap packed eight entries a
   * byte (each set bit's running count picks its value by a gather), or flat int32 indices (a ScatterNd) when fewer
   * than 1/32 survive — or the masked matrix itself when that is no larger. Stock ops only; the weight is rebuilt on
   * each call, one pass over W.
   */
  @Override
  public Operand<TFloat32> exportMatmul(Ops target, Session trained, Operand<TFloat32> x) {
    return target.linalg.matMul(x, exportWeight(target, trained));
  }

  @Override
  public Operand<TFloat32> exportEinsum(Ops target, Session trained, Operand<TFloat32> x, EinsumRead read) {
    read.check(name, rows, cols);
    return read.dense(target, x, exportWeight(target, trained));
  }

  /** W for serving, in {@code target}: A before the first mask, else the stored form below rebuilt to rows×cols. */
  private Operand<TFloat32> exportWeight(Ops target, Session trained) {
    String prefix = MatrixCompression.prefixOf(name);
    if (phase(trained) == Phase.DENSE) {
      return ExportedValues.variable(target, prefix, trained, a);
    }
    float[] w = fetch(trained, a);
    float[] m = fetch(trained, mask);
    int kept = kept(m);
    List<org.matcomp.compressor.FactorSpec> layout = storedLayout(kept);
    Operand<org.tensorflow.types.TInt32> shape = target.constant(new int[] {rows, cols});
    if (layout.isEmpty()) {
      float[] masked = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        masked[i] = m[i] != 0f ? w[i] : 0f;
      }
      return target.withName(prefix + "_masked").variable(
          target.constant(Shape.of(rows, cols), DataBuffers.of(masked, true, false)));
    }
    int[] positions = new int[kept];
    int[] bits = new int[m.length];
    float[] values = new float[kept];
    for (int i = 0, k = 0; i < m.length; i++) {
      if (m[i] != 0f) {
        bits[i] = 1;
        positions[k] = i;
        values[k++] = w[i];
      }
    }
    Operand<TFloat32> v = target.withName(prefix + "_values").variable(target.constant(values));
    Operand<TFloat32> flat;
    if (layout.get(1).type() == org.matcomp.compressor.FactorType.BIT) {
      Operand<org.tensorflow.types.TInt32> used = PackedBits.unpack(target,
          PackedBits.variable(target, prefix + "_bitmap", org.matcomp.compressor.FactorType.BIT, bits),
          org.matcomp.compressor.FactorType.BIT, (long) rows * cols, (long) rows * cols);
      // Entry i holds value number cumsum(bits)[i] − 1 when its bit is set; slot 0 of the padded values is the 0
      // every pruned entry reads.
      Operand<org.tensorflow.types.TInt32> slot = target.math.mul(target.math.cumsum(used, target.constant(0)), used);
      Operand<TFloat32> padded = target.concat(List.of(target.constant(new float[] {0f}), v), target.constant(0));
      flat = target.gather(padded, slot, target.constant(0));
    } else {
      Operand<org.tensorflow.types.TInt32> p = target.withName(prefix + "_positions")
          .variable(target.constant(Shape.of(kept, 1), DataBuffers.of(positions, true, false)));
      flat = target.scatterNd(p, v, target.constant(new int[] {rows * cols}));
    }
    return target.reshape(flat, shape);
  }

  /** The factors serving stores for {@code kept} survivors; empty when the masked matrix itself is no larger. */
  private List<org.matcomp.compressor.FactorSpec> storedLayout(int kept) {
    List<org.matcomp.compressor.FactorSpec> layout = PrunedFactorization.layout(rows, cols, kept);
    return CompressedSize.of(rows, cols, layout).compressedBytes() < 4L * rows * cols ? layout : List.of();
  }

  /** A alone before the first mask; after it, the stored form of the current mask's survivors. */
  @Override
  public CompressedSize servedSize(Session session) {
    if (phase(session) == Phase.DENSE) {
      return CompressedSize.dense(rows, cols);
    }
    List<org.matcomp.compressor.FactorSpec> layout = storedLayout(kept(fetch(session, mask)));
    return layout.isEmpty() ? CompressedSize.dense(rows, cols) : CompressedSize.of(rows, cols, layout);
  }

  private static int kept(float[] mask) {
    int kept = 0;
    for (float v : mask) {
      kept += v != 0f ? 1 : 0;
    }
    return kept;
  }

  @Override
  public UpdateOutcome runUpdateStep(Session session, long step) {
    sync(session);
    if (!schedule.isMaskUpdateStep(step, last)) {
      return new UpdateOutcome(false, phase());
    }
    float[] w = fetch(session, a);
    float[] scores = saliency != null ? fetch(session, saliency) : score.scoresAtMaskUpdate(name, w, rows, cols);
    PruningMask m = compressor.rule().select(name, scores, rows, cols, schedule.sparsityAt(step));
    try (TFloat32 maskT = TFloat32.tensorOf(Shape.of(rows, cols), DataBuffers.of(m.toFloats(), true, false));
        TInt64 stepT = TInt64.scalarOf(step)) {
      Session.Runner r = session.runner().feed(maskFeed, maskT).addTarget(maskAssign).feed(stepFeed, stepT)
          .addTarget(stepAssign);
      if (resetSaliency != null) {
        r.addTarget(resetSaliency);
      }
      r.run().close();
    }
    last = step;
    return new UpdateOutcome(true, phase());
  }

  @Override
  public Phase phase(Session session) {
    sync(session);
    return phase();
  }

  /** Mask updates need step ≥ INITIAL + frequency ≥ 1, so a last step above the initial one means a mask exists. */
  private Phase phase() {
    return last > SparsitySchedule.INITIAL_LAST_MASK_UPDATE_STEP ? Phase.COMPRESSED : Phase.DENSE;
  }

  @Override
  public long firstUpdateStep() {
    return Math.max(schedule.beginPruningStep(),
        SparsitySchedule.INITIAL_LAST_MASK_UPDATE_STEP + schedule.pruningFrequency());
  }

  /** The final storage: kept values plus a bitmap or indices, at the target sparsity. */
  @Override
  public CompressedSize size() {
    int kept = compressor.rule().keptCount(name, rows, cols, schedule.targetSparsity());
    return CompressedSize.of(rows, cols, PrunedFactorization.layout(rows, cols, kept));
  }

  /** Re-reads the last mask-update step, e.g. after restoring a checkpoint. */
  @Override
  public void resync(Session session) {
    try (var r = session.runner().fetch(lastMaskUpdate).run()) {
      last = ((TInt64) r.get(0)).getLong();
    }
  }

  private void sync(Session session) {
    if (last == Long.MIN_VALUE) {
      resync(session);
    }
  }

  private float[] fetch(Session session, Variable<TFloat32> v) {
    float[] out = new float[rows * cols];
    try (var r = session.runner().fetch(v).run()) {
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
    }
    return out;
  }
}
