package org.matcomp.cluster;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.matcomp.train.GradientAggregation;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.op.train.ConditionalAccumulator;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Synchronous updates across the replicas of a cluster, on TensorFlow's own ops (the design of TF1's
 * {@code SyncReplicasOptimizer}). Each trained variable has a {@code ConditionalAccumulator} beside it on its ps
 * task, shared by name among the replicas: every replica adds its gradients of step k to it, tagged k; the one that
 * applies takes their average once all replicas' are in — the accumulator then moves to step k + 1 and drops any
 * late gradient of an older step. A token queue on the trainer-state task paces the others: the applying replica
 * puts one token per other replica, holding the step they may compute, after it has applied the previous step and
 * run the compression's host update of this one, so no replica computes on variables a step behind.
 */
public final class SyncReplicas implements GradientAggregation {
  private static final Pattern DEVICE = Pattern.compile("/job:([\\w-]+)(?:/replica:(\\d+))?(?:/task:(\\d+))?");

  private final Ops tf;
  private final int replicas;
  private final Placeholder<TInt64> localStep;
  private final Map<String, Operand<?>> accumulators = new LinkedHashMap<>();
  private final Placeholder<TInt64> tokenStep;
  private final Placeholder<TInt64> tokenCount;
  private final Op putTokens;
  private final Output<TInt64> takeToken;
  private final Operand<TInt32> tokensWaiting;
  private Placeholder<TInt64> alignStep;
  private Op alignAll;
  private Operand<TInt32> mostAccumulated;

  /**
   * @param replicas how many replicas add their gradients each step (the applying one included)
   * @param state builds the token queue ({@link VariablePlacement#forTrainerState})
   */
  public SyncReplicas(Graph graph, int replicas, Ops state) {
    checkArgument(replicas >= 1, "%s replicas", replicas);
    this.tf = Ops.create(graph);
    this.replicas = replicas;
    this.localStep = tf.withName("sync_local_step").placeholder(TInt64.class);
    FifoQueue tokens = state.withName("sync_token_queue").io.fifoQueue(List.of(TInt64.class),
        FifoQueue.sharedName("sync_token_queue"), FifoQueue.shapes(Shape.scalar()));
    this.tokenStep = tf.withName("sync_token_step").placeholder(TInt64.class);
    this.tokenCount = tf.withName("sync_token_count").placeholder(TInt64.class);
    Operand<TInt64> many = tf.fill(tf.reshape(tokenCount, tf.constant(new long[] {1})), tokenStep);
    this.putTokens = state.withName("sync_put_tokens").io.queueEnqueueMany(tokens.handle(), List.of(many));
    this.takeToken = state.withName("sync_take_token").io.queueDequeue(tokens.handle(), List.of(TInt64.class))
        .components().get(0).expect(TInt64.class);
    this.tokensWaiting = state.withName("sync_tokens_waiting").io.queueSize(tokens.handle());
  }

  @Override
  public Aggregated aggregate(Ops ops, String phase, List<Variable<TFloat32>> variables,
      List<Operand<TFloat32>> gradients) {
    List<Op> adds = new ArrayList<>();
    List<Operand<TFloat32>> averages = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> v = variables.get(i);
      Operand<TFloat32> g = gradients.get(i);
      Operand<?> acc = accumulatorOf(v);
      Ops beside = besides(ops, v);
      adds.add(beside.train.accumulatorApplyGradient(cast(acc), localStep, g));
      averages.add(beside.train.accumulatorTakeGradient(cast(acc), tf.constant(replicas), TFloat32.class));
    }
    Op contribute = ops.withName(phase + "_contribute").withControlDependencies(adds).noOp();
    return new Aggregated(Optional.of(contribute), averages);
  }

  /** The feed that tags a contribution with the step it computed. */
  public Placeholder<TInt64> localStep() {
    return localStep;
  }

  /** Lets the other replicas compute {@code step} (a step at or past the run's end tells them to stop). */
  public void release(Session session, long step) {
    put(session, step, replicas - 1);
  }

  /**
   * After a step's apply timed out: lets through again as many replicas as the step lacks gradients from, less the
   * releases still waiting — a replica restarted after it took its release and died gets one; one whose gradients
   * are in gets none, so none counts twice.
   */
  public void releaseMissing(Session session, long step) {
    if (mostAccumulated == null) { // built once, after the train ops made every accumulator
      List<Operand<TInt32>> counts = new ArrayList<>();
      accumulators.values().forEach(acc -> counts.add(tf.train.accumulatorNumAccumulated(cast(acc))));
      mostAccumulated = tf.withName("sync_most_accumulated").max(tf.stack(counts), tf.constant(0));
    }
    long missing;
    try (var r = session.runner().fetch(mostAccumulated).fetch(tokensWaiting).run()) {
      missing = replicas - ((TInt32) r.get(0)).getInt() - ((TInt32) r.get(1)).getInt();
    }
    put(session, step, missing);
  }

  private void put(Session session, long step, long count) {
    if (count <= 0) {
      return;
    }
    try (var t = TInt64.scalarOf(step); var n = TInt64.scalarOf(count)) {
      session.runner().feed(tokenStep, t).feed(tokenCount, n).addTarget(putTokens).run();
    }
  }

  /** Waits (up to the session's operation timeout) for the step this replica may compute. */
  public long awaitRelease(Session session) {
    try (var r = session.runner().fetch(takeToken).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  /**
   * Moves every accumulator to {@code step}: after the chief initialised or restored the variables (a restarted ps
   * starts its accumulators at 0, which would take gradients of any older step).
   */
  public void align(Session session, long step) {
    if (accumulators.isEmpty()) {
      return;
    }
    if (alignAll == null) { // built once, after the train ops made every accumulator
      alignStep = tf.withName("sync_align_step").placeholder(TInt64.class);
      List<Op> sets = new ArrayList<>();
      accumulators.values().forEach(acc -> sets.add(tf.train.accumulatorSetGlobalStep(cast(acc), alignStep)));
      alignAll = tf.withName("sync_align").withControlDependencies(sets).noOp();
    }
    try (var t = TInt64.scalarOf(step)) {
      session.runner().feed(alignStep, t).addTarget(alignAll).run();
    }
  }

  private Operand<?> accumulatorOf(Variable<TFloat32> v) {
    String name = v.op().name();
    return accumulators.computeIfAbsent(name, n -> besides(tf, v).withName("sync_acc_" + n).train
        .conditionalAccumulator(TFloat32.class, v.shape(), ConditionalAccumulator.sharedName("sync_acc_" + n)));
  }

  /** {@code ops} placing what it builds on {@code v}'s device, as the variable's placement asked. */
  private static Ops besides(Ops ops, Variable<TFloat32> v) {
    String device = ((GraphOperation) v.op()).device();
    Matcher m = DEVICE.matcher(device == null ? "" : device);
    if (!m.find()) {
      return ops;
    }
    DeviceSpec.Builder d = DeviceSpec.newBuilder().job(m.group(1));
    if (m.group(2) != null) {
      d.replica(Integer.parseInt(m.group(2)));
    }
    if (m.group(3) != null) {
      d.task(Integer.parseInt(m.group(3)));
    }
    return ops.withDevice(d.build());
  }

  @SuppressWarnings("unchecked")
  private static Operand<org.tensorflow.types.TString> cast(Operand<?> acc) {
    return (Operand<org.tensorflow.types.TString>) acc;
  }
}
