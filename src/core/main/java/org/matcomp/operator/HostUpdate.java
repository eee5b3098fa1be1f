package org.matcomp.operator;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.Factorization;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.UpdateOption;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * graph_compression's update_option 1: between two {@code Session.run} calls, decide from the shared
 * {@link CompressionSchedule} whether this step updates; on the first update fetch A, factor it in Java and assign
 * the factors; on every update lower α. The assign ops are built with the graph, so an update adds no ops.
 *
 * <p>α and the last update step live in graph variables (saved with checkpoints); this class mirrors them on the
 * host so that a step that does not update costs no {@code Session.run}. Call {@link #resync} after restoring a
 * checkpoint.
 */
public final class HostUpdate {
  private final CompressedMatrix matrix;
  private final CompressionSchedule schedule;
  private final List<Placeholder<? extends TType>> factorFeeds;
  private final List<Assign<? extends TType>> factorAssigns;
  private final Placeholder<TFloat32> alphaFeed;
  private final Assign<TFloat32> alphaAssign;
  private final Placeholder<TInt64> stepFeed;
  private final Assign<TInt64> stepAssign;
  private float alpha = Float.NaN;
  private long lastUpdateStep;

  private HostUpdate(CompressedMatrix matrix, Builder b) {
    this.matrix = matrix;
    this.schedule = new CompressionSchedule(matrix.spec());
    this.factorFeeds = b.factorFeeds;
    this.factorAssigns = b.factorAssigns;
    this.alphaFeed = b.alphaFeed;
    this.alphaAssign = b.alphaAssign;
    this.stepFeed = b.stepFeed;
    this.stepAssign = b.stepAssign;
  }

  /** What one call did. */
  public record Outcome(boolean updated, boolean factored, float alpha, Phase phase) {}

  /**
   * Runs the update for {@code step} if the schedule says so. Only update_option 1 (host) and 2 (both) update here;
   * with 0 the graph updates itself and with 3 nothing does, so this only reports the phase.
   */
  public Outcome runUpdateStep(Session session, long step) {
    UpdateOption option = matrix.spec().updateOption();
    if (option == UpdateOption.NONE || option == UpdateOption.GRAPH) {
      Phase p = phase(session);
      return new Outcome(false, false, alpha, p);
    }
    if (option == UpdateOption.GRAPH_AND_HOST) {
      resync(session); // the graph may have moved α since the last call
    }
    ensureSynced(session);
    if (!schedule.isUpdateStep(step, lastUpdateStep)) {
      return new Outcome(false, false, alpha, Phase.ofAlpha(alpha));
    }
    boolean factor = CompressionSchedule.isFirstUpdate(lastUpdateStep);
    float newAlpha = schedule.nextAlpha(alpha);
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      if (factor) {
        feedFactors(runner, matrix.compressor().compress(matrix.name(), fetchDense(session)), fed);
      }
      Tensor alphaT = TFloat32.scalarOf(newAlpha);
      Tensor stepT = TInt64.scalarOf(step);
      fed.add(alphaT);
      fed.add(stepT);
      runner.feed(alphaFeed, alphaT).addTarget(alphaAssign).feed(stepFeed, stepT).addTarget(stepAssign).run()
          .close();
    } finally {
      fed.forEach(Tensor::close);
    }
    alpha = newAlpha;
    lastUpdateStep = step;
    return new Outcome(true, factor, alpha, Phase.ofAlpha(alpha));
  }

  /**
   * Fits the factors to A's current value ({@code compress}) and assigns them, leaving α and the schedule alone: a
   * warm start for a structured matrix, whose factors otherwise start from Xavier draws.
   */
  public Factorization fitFactorsToDense(Session session) {
    Factorization f = matrix.compressor().compress(matrix.name(), fetchDense(session));
    assignFactors(session, f);
    return f;
  }

  /** Assigns the factors' values (their specs must be this matrix's layout), leaving α and the schedule alone. */
  public void assignFactors(Session session, Factorization f) {
    List<FactorSpec> layout = matrix.factors().layout();
    if (!f.factors().stream().map(Factor::spec).toList().equals(layout)) {
      throw new IllegalArgumentException("matrix " + matrix.name() + ": factors " + f.factors()
          + " do not match the layout " + layout);
    }
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      feedFactors(runner, f, fed);
      runner.run().close();
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  private void feedFactors(Session.Runner runner, Factorization f, List<Tensor> fed) {
    List<Factor> values = f.factors();
    for (int i = 0; i < values.size(); i++) {
      Tensor t = FactorTensors.toTensor(values.get(i));
      fed.add(t);
      runner.feed(factorFeeds.get(i), t).addTarget(factorAssigns.get(i));
    }
  }

  /**
   * The phase the graph is in: as last set by this path (reading the session once if not yet known), or read from
   * the session each time when the graph updates itself.
   */
  public Phase phase(Session session) {
    if (matrix.graphUpdate().isPresent()) {
      resync(session);
    } else {
      ensureSynced(session);
    }
    return Phase.ofAlpha(alpha);
  }

  /** Re-reads α and the last update step from the session, e.g. after restoring a checkpoint. */
  public void resync(Session session) {
    try (var r = session.runner().fetch(matrix.alphaVariable()).fetch(matrix.lastUpdateStep()).run()) {
      alpha = ((TFloat32) r.get(0)).getFloat();
      lastUpdateStep = ((TInt64) r.get(1)).getLong();
    }
  }

  /** A's current value. */
  public FloatMatrix fetchDense(Session session) {
    float[] values = new float[matrix.rows() * matrix.cols()];
    try (var r = session.runner().fetch(matrix.dense()).run()) {
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(values, false, false));
    }
    return FloatMatrix.adopt(matrix.rows(), matrix.cols(), values);
  }

  private void ensureSynced(Session session) {
    if (Float.isNaN(alpha)) {
      resync(session);
    }
  }

  /** Builds the feeds and assign ops while the graph is being built. */
  static final class Builder {
    private final List<Placeholder<? extends TType>> factorFeeds = new ArrayList<>();
    private final List<Assign<? extends TType>> factorAssigns = new ArrayList<>();
    private Placeholder<TFloat32> alphaFeed;
    private Assign<TFloat32> alphaAssign;
    private Placeholder<TInt64> stepFeed;
    private Assign<TInt64> stepAssign;

    Builder(Ops tf, FactorVariables factors, Variable<TFloat32> alpha, Variable<TInt64> lastUpdateStep) {
      Ops host = tf.withSubScope("host_update");
      for (var spec : factors.layout()) {
        addFactor(host, factors.variable(spec.name()), FactorTensors.shape(spec), spec.name());
      }
      alphaFeed = host.withName("alpha_feed").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      alphaAssign = host.withName("alpha_assign").assign(alpha, alphaFeed);
      stepFeed = host.withName("step_feed").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      stepAssign = host.withName("step_assign").assign(lastUpdateStep, stepFeed);
    }

    private <T extends TType> void addFactor(Ops host, Variable<T> variable, Shape shape, String name) {
      Placeholder<T> feed = host.withName(name + "_feed").placeholder(variable.type(), Placeholder.shape(shape));
      factorFeeds.add(feed);
      factorAssigns.add(host.withName(name + "_assign").assign(variable, (Operand<T>) feed));
    }

    HostUpdate build(CompressedMatrix m) {
      return new HostUpdate(m, this);
    }
  }
}
