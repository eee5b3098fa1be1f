package org.matcomp.operator;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TIntegral;

/**
 * One compressed matrix inside a graph: A, its factors, α and the update bookkeeping as variables, and the read
 * paths. Made by {@link MatrixCompression#apply}.
 *
 * <p>The general read path ({@link #matmul(Operand)}, {@link #weight()}) is the reference's blend α·A + (1−α)·B⊗C,
 * right in every phase and differentiable wrt A and the factors. The phase-specialised paths
 * ({@link #matmul(Operand, Phase)}) compute only what a phase reads, so a dense-phase step costs what a plain layer
 * costs and a compressed-phase step what the factors cost; {@link org.matcomp.train.PhasedTrainer} picks the right
 * one each step.
 */
public final class CompressedMatrix implements CompressedWeight {
  private final String name;
  private final Variable<TFloat32> a;
  private final int rows;
  private final int cols;
  private final CompressionSpec spec;
  private final MatrixCompressor compressor;
  private final GraphProductRule rule;
  private final FactorVariables factors;
  private final Variable<TFloat32> alpha;
  private final Variable<TInt64> lastUpdateStep;
  private final HostUpdate hostUpdate;
  private final boolean structured;
  private org.tensorflow.op.Op graphUpdate;

  CompressedMatrix(String name, Variable<TFloat32> a, int rows, int cols, CompressionSpec spec,
      MatrixCompressor compressor, GraphProductRule rule, FactorVariables factors, Variable<TFloat32> alpha,
      Variable<TInt64> lastUpdateStep, HostUpdate.Builder hostUpdate, boolean structured) {
    this.name = name;
    this.a = a;
    this.rows = rows;
    this.cols = cols;
    this.spec = spec;
    this.compressor = compressor;
    this.rule = rule;
    this.factors = factors;
    this.alpha = alpha;
    this.lastUpdateStep = lastUpdateStep;
    this.structured = structured;
    this.hostUpdate = hostUpdate.build(this);
  }

  /**
   * Whether the factors replace A from the start ({@link MatrixCompression#applyStructured}): α is 0 and never
   * moves, so the matrix is in the COMPRESSED phase from step 0 and no run reads A.
   */
  public boolean isStructured() {
    return structured;
  }

  /** The name of A's variable, used to name everything made for it. */
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

  public MatrixCompressor compressor() {
    return compressor;
  }

  @Override
  public Variable<TFloat32> dense() {
    return a;
  }

  public FactorVariables factors() {
    return factors;
  }

  public Variable<TFloat32> alphaVariable() {
    return alpha;
  }

  @Override
  public java.util.Optional<Operand<TFloat32>> alpha() {
    return java.util.Optional.of(alpha);
  }

  public Variable<TInt64> lastUpdateStep() {
    return lastUpdateStep;
  }

  /**
   * The in-graph update (update_option 0 and 2): an op to run with every train step, alive on every step; empty for
   * the host-only options.
   */
  public java.util.Optional<org.tensorflow.op.Op> graphUpdate() {
    return java.util.Optional.ofNullable(graphUpdate);
  }

  /** Installs the in-graph update; from then on every read path waits for it within a run. */
  void setGraphUpdate(org.tensorflow.op.Op op) {
    this.graphUpdate = op;
    factors.setReadGate(op);
  }

  /** A variable's value for a read path: waits for the in-graph update of this run, if there is one. */
  private Operand<TFloat32> read(Ops tf, Variable<TFloat32> v) {
    return graphUpdate == null ? v : tf.withControlDependencies(List.of(graphUpdate)).identity(v);
  }

  /** The host update path (update_option 1 and 2). */
  public HostUpdate hostUpdate() {
    return hostUpdate;
  }

  /** The blended matrix α·A + (1−α)·B⊗C. */
  public Operand<TFloat32> weight(Ops tf) {
    Operand<TFloat32> one = tf.constant(1f);
    return tf.math.add(tf.math.mul(read(tf, alpha), read(tf, a)),
        tf.math.mul(tf.math.sub(one, read(tf, alpha)), rule.product(tf, factors, rows, cols)));
  }

  /** What {@code phase} reads as a matrix: A, the blend, or B⊗C. */
  @Override
  public Operand<TFloat32> weight(Ops tf, Phase phase) {
    return switch (phase) {
      case DENSE -> read(tf, a);
      case BLENDING -> weight(tf);
      case COMPRESSED -> rule.product(tf, factors, rows, cols);
    };
  }

  /** x·W for the blended W, as α·(x·A) + (1−α)·(x·B⊗C) so the factors are applied the cheap way. */
  public Operand<TFloat32> matmul(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> one = tf.constant(1f);
    return tf.math.add(tf.math.mul(read(tf, alpha), tf.linalg.matMul(x, read(tf, a))),
        tf.math.mul(tf.math.sub(one, read(tf, alpha)), rule.applyTo(tf, x, factors, rows, cols)));
  }

  /**
   * x·W through the in-graph phase gate: one graph for every phase, and only the side α makes live runs (with
   * update_option 0 no host knows the phase). Train it with {@code GatedTrainOp} / {@code InGraphTrainer}.
   */
  public Operand<TFloat32> matmulGated(Ops tf, Operand<TFloat32> x) {
    return PhaseGate.matmul(tf, this, x);
  }

  /** x·W as {@code phase} reads it, computing only that phase's side. */
  @Override
  public Operand<TFloat32> matmul(Ops tf, Operand<TFloat32> x, Phase phase) {
    return switch (phase) {
      case DENSE -> tf.linalg.matMul(x, read(tf, a));
      case BLENDING -> matmul(tf, x);
      case COMPRESSED -> rule.applyTo(tf, x, factors, rows, cols);
    };
  }

  /**
   * einsum(x, W) as {@code phase} reads W: the blend is α·einsum(x, A) + (1−α)·einsum(x, B⊗C), and B⊗C is read as
   * two einsums through the rank when the method is a product (low-rank, simhash), never built.
   */
  @Override
  public Operand<TFloat32> einsum(Ops tf, Operand<TFloat32> x, EinsumRead read, Phase phase) {
    read.check(name, rows, cols);
    return switch (phase) {
      case DENSE -> read.dense(tf, x, read(tf, a));
      case BLENDING -> tf.math.add(tf.math.mul(read(tf, alpha), read.dense(tf, x, read(tf, a))),
          tf.math.mul(tf.math.sub(tf.constant(1f), read(tf, alpha)), compressedEinsum(tf, x, read, factors)));
      case COMPRESSED -> compressedEinsum(tf, x, read, factors);
    };
  }

  private Operand<TFloat32> compressedEinsum(Ops tf, Operand<TFloat32> x, EinsumRead read, FactorVariables f) {
    return rule.factors(tf, f, rows, cols).map(p -> read.factored(tf, x, p))
        .orElseGet(() -> read.dense(tf, x, rule.product(tf, f, rows, cols)));
  }

  /** Rows {@code ids} of W as {@code phase} reads it (embedding lookups). */
  @Override
  public Operand<TFloat32> lookup(Ops tf, Operand<? extends TIntegral> ids, Phase phase) {
    Operand<TFloat32> denseRows = tf.gather(read(tf, a), ids, tf.constant(0));
    return switch (phase) {
      case DENSE -> denseRows;
      case BLENDING -> tf.math.add(tf.math.mul(read(tf, alpha), denseRows),
          tf.math.mul(tf.math.sub(tf.constant(1f), read(tf, alpha)), rule.lookup(tf, ids, factors, rows, cols)));
      case COMPRESSED -> rule.lookup(tf, ids, factors, rows, cols);
    };
  }

  @Override
  public Operand<TFloat32> exportMatmul(Ops target, org.tensorflow.Session trained, Operand<TFloat32> x) {
    return export(target, trained, w -> target.linalg.matMul(x, w), f -> rule.applyTo(target, x, f, rows, cols));
  }

  @Override
  public Operand<TFloat32> exportEinsum(Ops target, org.tensorflow.Session trained, Operand<TFloat32> x,
      EinsumRead read) {
    read.check(name, rows, cols);
    return export(target, trained, w -> read.dense(target, x, w), f -> compressedEinsum(target, x, read, f));
  }

  /**
   * A read for serving, built in {@code target} from this matrix's current values in {@code trained}: {@code
   * ofDense} over A while the phase reads it, {@code ofFactors} over the factors once it does (bit factors and codes
   * narrower than a byte stored packed), α-blended in between.
   */
  private Operand<TFloat32> export(Ops target, org.tensorflow.Session trained,
      java.util.function.Function<Operand<TFloat32>, Operand<TFloat32>> ofDense,
      java.util.function.Function<FactorVariables, Operand<TFloat32>> ofFactors) {
    Phase phase = phase(trained);
    String prefix = MatrixCompression.prefixOf(name);
    Operand<TFloat32> dense = phase.readsDense()
        ? ExportedValues.variable(target, prefix, trained, a)
        : null;
    if (phase == Phase.DENSE) {
      return ofDense.apply(dense);
    }
    List<Variable<? extends org.tensorflow.types.family.TType>> vars = new java.util.ArrayList<>();
    java.util.Map<String, Operand<? extends org.tensorflow.types.family.TType>> unpacked =
        new java.util.LinkedHashMap<>();
    for (org.matcomp.compressor.FactorSpec f : factors.layout()) {
      String exported = prefix + "_" + f.name();
      if (f.type().packed()) {
        // The bits an entry that size() counts; a bool mask or uint8 codes would take a byte an entry.
        int n = Math.toIntExact(f.entries());
        Variable<org.tensorflow.types.TUint8> packed = PackedBits.variable(target, exported, f.type(),
            PackedBits.fetch(trained, factors.variable(f.name()), f));
        vars.add(packed);
        long[] shape = java.util.Arrays.stream(f.shape()).asLongStream().toArray();
        unpacked.put(f.name(), target.dtypes.cast(PackedBits.unpack(target, packed, f.type(), n, shape),
            FactorTensors.tfType(f.type())));
      } else if (f.type().isNarrowFloat()) {
        // stored as size() counts it (two bytes an entry; int8's byte and scales), widened where it is read
        Variable<? extends org.tensorflow.types.family.TType> narrow = ExportedValues.narrowVariable(target,
            exported, trained, factors.floats(f.name()), f);
        vars.add(narrow);
        unpacked.put(f.name(), f.type().isInt8()
            ? Int8Read.decode(target, (Variable<org.tensorflow.types.TUint8>) narrow, f.type(), f.shape())
            : target.dtypes.cast(narrow, TFloat32.class));
      } else {
        vars.add(ExportedValues.variable(target, exported, trained, factors.variable(f.name())));
      }
    }
    FactorVariables served = new FactorVariables(factors.layout(), vars);
    unpacked.forEach(served::readInstead);
    Operand<TFloat32> compressed = ofFactors.apply(served);
    if (phase == Phase.COMPRESSED) {
      return compressed;
    }
    Operand<TFloat32> al = ExportedValues.variable(target, prefix + "_alpha", trained, alpha);
    return target.math.add(target.math.mul(al, ofDense.apply(dense)),
        target.math.mul(target.math.sub(target.constant(1f), al), compressed));
  }

  /** The variables that train in {@code phase}: A while it is read, the trainable factors once they are. */
  @Override
  public List<Variable<TFloat32>> trainableVariables(Phase phase) {
    List<Variable<TFloat32>> vars = new ArrayList<>();
    if (phase.readsDense()) {
      vars.add(a);
    }
    if (phase.readsFactors()) {
      vars.addAll(factors.trainable());
    }
    return vars;
  }

  @Override
  public UpdateOutcome runUpdateStep(org.tensorflow.Session session, long step) {
    HostUpdate.Outcome o = hostUpdate.runUpdateStep(session, step);
    return new UpdateOutcome(o.updated(), o.phase());
  }

  @Override
  public void resync(org.tensorflow.Session session) {
    hostUpdate.resync(session);
  }

  @Override
  public Phase phase(org.tensorflow.Session session) {
    return hostUpdate.phase(session);
  }

  /**
   * The reference's rule: lastUpdateStep starts at −1, so the first update needs step ≥ frequency − 1. A structured
   * matrix never updates: {@link Long#MAX_VALUE}.
   */
  @Override
  public long firstUpdateStep() {
    return structured ? Long.MAX_VALUE : Math.max(spec.beginCompressionStep(), spec.compressionFrequency() - 1);
  }

  /** Parameters and bytes of A vs the factors, at the factors' stored widths. */
  @Override
  public CompressedSize size() {
    return CompressedSize.of(rows, cols, factors.layout());
  }

  /** A alone before the first update, A + factors + α while blending, the factors after: what the phase reads. */
  @Override
  public CompressedSize servedSize(org.tensorflow.Session session) {
    CompressedSize factorSize = size();
    return switch (phase(session)) {
      case DENSE -> CompressedSize.dense(rows, cols);
      case BLENDING -> new CompressedSize(factorSize.denseParams(), factorSize.denseBytes(),
          factorSize.denseParams() + factorSize.compressedParams() + 1,
          factorSize.denseBytes() + factorSize.compressedBytes() + 4);
      case COMPRESSED -> factorSize;
    };
  }

  @Override
  public String toString() {
    return "CompressedMatrix[" + name + " " + rows + "x" + cols + " " + spec.method()
        + (structured ? " structured " : " ") + factors.layout() + "]";
  }
}
