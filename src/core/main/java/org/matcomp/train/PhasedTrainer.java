package org.matcomp.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.Phase;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Trains a model whose matrices are compressed, with one train op per phase over an explicit variable list.
 *
 * <p>The framework's {@code Optimizer.minimize} differentiates every VariableV2 in the graph and throws on the
 * unreachable ones (α, the step, factors before they are read), so each train op here is built with
 * {@code Graph.addGradients} over exactly the variables its phase trains: A and the other parameters before the
 * snapshot; A, the factors and the others while blending; the factors and the others after. The loss of each phase
 * is built with the phase-specialised read path, so a step costs only what that phase reads.
 *
 * <p>All compressed matrices of one trainer share a phase at any step (they share a schedule in practice); a step
 * where they disagree runs the blended train op, which is right in every phase.
 */
public final class PhasedTrainer {
  private final List<CompressedWeight> matrices;
  private final Map<Phase, Operand<TFloat32>> losses = new EnumMap<>(Phase.class);
  private final Map<Phase, Op> trainOps = new EnumMap<>(Phase.class);
  private final Map<Phase, Op> contributeOps = new EnumMap<>(Phase.class);
  private final Variable<TInt64> globalStep;

  /**
   * @param lossForPhase builds the model's loss reading each compressed matrix as the phase reads it (called once
   *     per phase, so the forward graph exists three times, sharing variables)
   * @param otherVariables the model's trainable variables that are not compressed (biases, uncompressed layers)
   */
  public PhasedTrainer(Graph graph, Ops tf, List<CompressedWeight> matrices,
      List<Variable<TFloat32>> otherVariables, Function<Phase, Operand<TFloat32>> lossForPhase,
      OptimizerFactory optimizers) {
    this(graph, tf, matrices, otherVariables, lossForPhase, optimizers, tf, GradientAggregation.LOCAL);
  }

  /**
   * As {@link #PhasedTrainer(Graph, Ops, List, List, Function, OptimizerFactory)}, with the global step built by
   * {@code state} (on a parameter server, where every replica of a cluster counts the same steps) and the gradients
   * each train op applies chosen by {@code aggregation}.
   */
  public PhasedTrainer(Graph graph, Ops tf, List<CompressedWeight> matrices,
      List<Variable<TFloat32>> otherVariables, Function<Phase, Operand<TFloat32>> lossForPhase,
      OptimizerFactory optimizers, Ops state, GradientAggregation aggregation) {
    this.matrices = List.copyOf(matrices);
    this.globalStep = state.withName("global_step").variable(tf.constant(0L));
    for (Phase phase : Phase.values()) {
      Operand<TFloat32> loss = lossForPhase.apply(phase);
      Set<Variable<TFloat32>> vars = new LinkedHashSet<>(otherVariables);
      matrices.forEach(m -> vars.addAll(m.trainableVariables(phase)));
      checkArgument(!vars.isEmpty(), "nothing to train in phase %s", phase);
      losses.put(phase, loss);
      trainOps.put(phase, buildTrainOp(graph, tf, phase, loss, List.copyOf(vars), optimizers, aggregation));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Op buildTrainOp(Graph graph, Ops tf, Phase phase, Operand<TFloat32> loss,
      List<Variable<TFloat32>> vars, OptimizerFactory optimizers, GradientAggregation aggregation) {
    Output<?>[] xs = vars.stream().map(Variable::asOutput).toArray(Output[]::new);
    Output<?>[] computed = graph.addGradients(loss.asOutput(), xs);
    List<Operand<TFloat32>> own = new ArrayList<>();
    for (Output<?> g : computed) {
      own.add((Output<TFloat32>) g);
    }
    String name = "train_" + phase.name().toLowerCase();
    GradientAggregation.Aggregated aggregated = aggregation.aggregate(tf, name, vars, own);
    aggregated.contribute().ifPresent(op -> contributeOps.put(phase, op));
    List<Operand<TFloat32>> grads = aggregated.gradients();
    List<Optimizer.GradAndVar<?>> gv = new ArrayList<>();
    Map<Variable<TFloat32>, Operand<TFloat32>> byVariable = new LinkedHashMap<>();
    for (int i = 0; i < xs.length; i++) {
      gv.add(new Optimizer.GradAndVar<>(grads.get(i).asOutput(), vars.get(i).asOutput()));
      byVariable.put(vars.get(i), grads.get(i));
    }
    Optimizer opt = optimizers.create(graph, "opt_" + phase.name().toLowerCase());
    List<Op> steps = new ArrayList<>();
    steps.add(opt.applyGradients((List) gv, name + "_apply"));
    for (CompressedWeight m : matrices) {
      steps.addAll(m.onGradients(tf, phase, byVariable));
    }
    return tf.withName(name).withControlDependencies(steps).assignAdd(globalStep, tf.constant(1L));
  }

  public Operand<TFloat32> loss(Phase phase) {
    return losses.get(phase);
  }

  /** The first step at which any matrix's compression updates, or −1 with no matrices. */
  public long firstUpdateStep() {
    return matrices.stream().mapToLong(CompressedWeight::firstUpdateStep).min().orElse(-1);
  }

  /** The op that applies a step's gradients (and counts the step). */
  public Op trainOp(Phase phase) {
    return trainOps.get(phase);
  }

  /**
   * The op by which this replica hands its gradients of {@code phase}'s loss over, when the train op applies
   * aggregated ones; then a step is this op (on every replica) and the train op (on the one that applies).
   */
  public Optional<Op> contributeOp(Phase phase) {
    return Optional.ofNullable(contributeOps.get(phase));
  }

  public Variable<TInt64> globalStep() {
    return globalStep;
  }

  /** The phase all compressed matrices are in (BLENDING if they disagree; DENSE with no matrices). */
  public Phase phase(Session session) {
    Set<Phase> phases = new LinkedHashSet<>();
    for (CompressedWeight m : matrices) {
      phases.add(m.phase(session));
    }
    if (phases.isEmpty()) {
      return Phase.DENSE;
    }
    return phases.size() == 1 ? phases.iterator().next() : Phase.BLENDING;
  }

  /** The host update of every matrix for {@code step} (update_option 1); whether any changed. */
  public boolean updateCompression(Session session, long step) {
    boolean updated = false;
    for (CompressedWeight m : matrices) {
      updated |= m.runUpdateStep(session, step).updated();
    }
    return updated;
  }

  /** Reads where another replica (a cluster's chief) has moved the matrices' schedule; nothing is updated here. */
  public boolean followCompression(Session session) {
    for (CompressedWeight m : matrices) {
      m.resync(session);
    }
    return false;
  }

  /** What one {@link #step} did. */
  public record StepResult(float loss, Phase phase, boolean updated) {}

  /**
   * One training step: the host update of every matrix for {@code step} (update_option 1), then the train op of
   * the resulting phase with {@code feeds}, fetching its loss.
   */
  public StepResult step(Session session, long step, Map<Operand<?>, Tensor> feeds) {
    return step(session, step, feeds, true);
  }

  /**
   * As {@link #step(Session, long, Map)}; without {@code updateCompression} the host updates are left to another
   * replica (a cluster's chief), and this one only trains in the phase they have reached.
   */
  public StepResult step(Session session, long step, Map<Operand<?>, Tensor> feeds, boolean updateCompression) {
    return step(session, step, feeds, updateCompression, phase -> List.of(), fetched -> {});
  }

  /**
   * As {@link #step(Session, long, Map, boolean)}, also fetching {@code alsoFetch} of the step's phase (a recurrent
   * model's final state, say), which {@code fetched} sees before they are closed.
   */
  public StepResult step(Session session, long step, Map<Operand<?>, Tensor> feeds, boolean updateCompression,
      Function<Phase, List<? extends Operand<?>>> alsoFetch, Consumer<List<Tensor>> fetched) {
    boolean updated = updateCompression ? updateCompression(session, step) : followCompression(session);
    Phase phase = phase(session);
    Session.Runner runner = session.runner();
    feeds.forEach(runner::feed);
    List<? extends Operand<?>> extra = alsoFetch.apply(phase);
    extra.forEach(runner::fetch);
    try (var r = runner.addTarget(trainOps.get(phase)).fetch(losses.get(phase)).run()) {
      float loss = ((TFloat32) r.get(extra.size())).getFloat();
      checkState(Float.isFinite(loss), "loss became %s at step %s in phase %s", loss, step, phase);
      List<Tensor> out = new ArrayList<>();
      for (int i = 0; i < extra.size(); i++) {
        out.add(r.get(i));
      }
      fetched.accept(out);
      return new StepResult(loss, phase, updated);
    }
  }

}
