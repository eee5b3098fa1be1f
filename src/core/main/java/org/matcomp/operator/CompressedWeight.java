package org.matcomp.operator;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TIntegral;

/**
 * A weight matrix of a graph whose reads a compression method controls, as models and trainers see it: factor
 * methods ({@link CompressedMatrix}: A, then the α-blend, then B⊗C) and pruning ({@link PrunedMatrix}: A ⊙ mask
 * with a mask that tightens on a schedule). Models read it through {@link #matmul} / {@link #lookup}; the trainer
 * asks which variables train in a phase and runs the host update between steps.
 */
public interface CompressedWeight {
  /** The name of A's variable. */
  String name();

  int rows();

  int cols();

  CompressionSpec spec();

  /** A itself. */
  Variable<TFloat32> dense();

  /**
   * W itself as {@code phase} reads it (A, the blend, or the compressed form, rebuilt), for a consumer matcomp has no
   * cheaper path for: a convolution's filter, any op of a graph it did not build (a fine-tuned SavedModel's).
   */
  Operand<TFloat32> weight(Ops tf, Phase phase);

  /** x·W as {@code phase} reads W, computing only that phase's side. */
  Operand<TFloat32> matmul(Ops tf, Operand<TFloat32> x, Phase phase);

  /**
   * {@code einsum(x, W)} as {@code phase} reads W, for weights an attention or EinsumDense layer reads as a tensor;
   * {@code read} says how this rows×cols matrix is that tensor.
   */
  Operand<TFloat32> einsum(Ops tf, Operand<TFloat32> x, EinsumRead read, Phase phase);

  /** Rows {@code ids} of W as {@code phase} reads it (embedding lookups). */
  Operand<TFloat32> lookup(Ops tf, Operand<? extends TIntegral> ids, Phase phase);

  /** The variables that train in {@code phase}. */
  List<Variable<TFloat32>> trainableVariables(Phase phase);

  /**
   * Extra ops for the train op of {@code phase}, given the loss gradients of the variables that train (e.g. a
   * saliency accumulator); none by default.
   */
  default List<Op> onGradients(Ops tf, Phase phase, Map<Variable<TFloat32>, Operand<TFloat32>> gradients) {
    return List.of();
  }

  /** The host update for {@code step} (between two runs); does nothing when the schedule says so. */
  UpdateOutcome runUpdateStep(Session session, long step);

  /** The phase the graph is in (from host-mirrored state; reads the session once if unknown). */
  Phase phase(Session session);

  /**
   * Reads the schedule's state (α, the last update step) from the session again, where this process keeps a copy:
   * after a checkpoint restore, and on a replica whose updates another process runs.
   */
  void resync(Session session);

  /** The first step at which an update can fire, for jobs that measure the model just before it. */
  long firstUpdateStep();

  /** α for progress displays, if the method has one. */
  default Optional<Operand<TFloat32>> alpha() {
    return Optional.empty();
  }

  /**
   * x·W for serving, built in another graph ({@code target}) from this matrix's current values in {@code trained}:
   * only what the current phase reads becomes variables there (the factors after the switch, never A), read through
   * stock TF ops, so an export of {@code target} is as small as the compressed form.
   */
  Operand<TFloat32> exportMatmul(Ops target, Session trained, Operand<TFloat32> x);

  /** {@link #einsum} for serving, stored as {@link #exportMatmul} stores it. */
  Operand<TFloat32> exportEinsum(Ops target, Session trained, Operand<TFloat32> x, EinsumRead read);

  /** Parameters and bytes of A vs its compressed form, once the schedule has finished. */
  CompressedSize size();

  /**
   * Parameters and bytes of what the graph reads now, in the form {@link #exportMatmul} writes: A before the method
   * takes over, everything the blend reads while blending, the compressed form after — the size a report may claim
   * for a run that ended here.
   */
  CompressedSize servedSize(Session session);

  /** What one host update did. */
  record UpdateOutcome(boolean updated, Phase phase) {}
}
