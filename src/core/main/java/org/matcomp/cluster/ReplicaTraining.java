package org.matcomp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.matcomp.operator.Phase;
import org.matcomp.train.PhasedTrainer;
import org.matcomp.train.StepListener;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The training loop of one replica of a cluster (between-graph replication). Asynchronously, each step is claimed
 * from a shared counter on the parameter servers, so the replicas together train exactly the run's number of steps,
 * and step k trains on batch k of the seeded epoch order whichever replica takes it — the batches of the
 * single-process run; synchronously, every replica computes step k on its part of batch k and the chief applies the
 * average ({@link SyncReplicas}). The chief initialises the shared variables (or restores the last checkpoint after
 * a ps lost them), runs the compression's host updates, and checkpoints every N steps; the others wait until the
 * variables are there. A lost ps (killed, restarted) fails the step; the replica then waits for the
 * cluster, opens a new session (closing the old one could hang on the dead task) and goes on from the shared state —
 * the restored checkpoint's step count included, so no step is counted twice.
 */
public final class ReplicaTraining {
  /** How often a waiting replica looks again. */
  private static final long POLL_MILLIS = 200;

  private final Replica replica;
  private final ReplicatedModel model;
  private final PhasedTrainer trainer;
  private final SyncReplicas sync;
  private final Variable<TInt64> claims;
  private final Operand<TInt64> claim;
  private final Operand<TBool> initialized;
  private final Variable<TBool> started;
  private final Operand<TBool> startedInitialized;
  private final org.tensorflow.op.Op start;
  private final Checkpoints checkpoints;
  private final Consumer<String> log;
  private final org.tensorflow.op.Op claimsFromSteps;
  private Session session;
  private long lastCheckpoint;
  private int abandoned;
  /** When the cluster was first found gone since the last good step (System.nanoTime), or −1. */
  private long lostSince = -1;
  private Runnable beforeFirstUpdate;
  /** In sync, the step whose gradients the chief has added and whose apply has not completed, or −1. */
  private long contributed = -1;
  private float contributedLoss;

  /** Adds the shared step counter to {@code model}'s graph, on {@code placement}'s trainer-state task. */
  public ReplicaTraining(Replica replica, ReplicatedModel model, VariablePlacement placement, Consumer<String> log) {
    this.replica = replica;
    this.model = model;
    this.trainer = model.trainer();
    this.sync = model.sync();
    this.log = log;
    Ops tf = Ops.create(model.graph());
    Ops state = placement.forTrainerState(tf);
    this.claims = state.withName("step_claims").variable(tf.constant(0L));
    this.claim = tf.withName("claim_step").assignAdd(claims, tf.constant(1L));
    this.initialized = tf.withName("global_step_initialized").isVariableInitialized(trainer.globalStep());
    // the chief measures the original model before anyone trains: the others wait for this flag
    this.started = state.withName("replicas_started").variable(tf.constant(false));
    this.startedInitialized = tf.withName("replicas_started_initialized").isVariableInitialized(started);
    this.start = tf.withName("start_replicas").assign(started, tf.constant(true));
    // a checkpoint may hold a claim whose step had not yet run: after a restore the claims restart at the step
    this.claimsFromSteps = tf.withName("claims_from_steps").assign(claims, trainer.globalStep());
    this.checkpoints = replica.checkpoints();
  }

  /** The session that is up now (a new one after a failure). */
  public Session session() {
    return session;
  }

  /**
   * Whether a session was given up after a failure: it still holds the graph, whose close would wait for it
   * forever, so the graph is then left to the process's end.
   */
  public boolean abandonedAny() {
    return abandoned > 0;
  }

  /**
   * Trains until the replicas together have trained {@code steps} steps; on the chief, then waits for the others to
   * finish theirs. Returns the steps this replica trained (in sync: contributed to). On the chief,
   * {@code beforeFirstUpdate} runs once, before the first compression update (a job measures the dense model there;
   * asynchronously, the other replicas may be training meanwhile).
   */
  public long train(long steps, StepListener listener, Runnable beforeFirstUpdate) {
    this.beforeFirstUpdate = beforeFirstUpdate;
    long mine = 0;
    while (true) {
      try {
        if (session == null) {
          connect();
        }
        if (!(sync == null ? claimAndTrain(steps, listener) : trainInStep(steps, listener))) {
          break;
        }
        lostSince = -1; // only a whole step shows the cluster is back (in sync, a replica gone stalls the step)
        mine++;
      } catch (TensorFlowException e) {
        lost(e);
      }
    }
    if (sync == null && replica.isChief()) {
      awaitOthers(steps);
    }
    return mine;
  }

  /** On the chief, before the host updates of {@code step}: the job's look at the dense model, once. */
  private void beforeUpdate(long step) {
    long first = trainer.firstUpdateStep();
    if (beforeFirstUpdate != null && first >= 0 && step >= first) {
      beforeFirstUpdate.run();
      beforeFirstUpdate = null;
    }
  }

  /** Asynchronously: claims the next step and trains it on its whole batch; false once all steps are claimed. */
  private boolean claimAndTrain(long steps, StepListener listener) {
    long step;
    try (var r = session.runner().fetch(claim).run()) {
      step = ((TInt64) r.get(0)).getLong() - 1;
    }
    if (step >= steps) {
      return false;
    }
    List<Tensor> open = new ArrayList<>();
    try {
      Map<Operand<?>, Tensor> feeds = model.feeds(step, 0, 1, open);
      if (replica.isChief()) {
        beforeUpdate(step);
      }
      var r = trainer.step(session, step, feeds, replica.isChief());
      listener.stepped(step, r.loss(), r.phase());
    } finally {
      open.forEach(Tensor::close);
    }
    if (replica.isChief()) {
      maybeCheckpoint();
    }
    return true;
  }

  /**
   * Synchronously, step k: the chief runs the host update of k and releases the others to compute k; each replica
   * adds its gradients of its part of batch k; the chief applies their average and checkpoints. After the last step
   * the chief releases the others once more, with the step count, which ends their loop (false).
   */
  private boolean trainInStep(long steps, StepListener listener) {
    long step;
    Phase phase;
    float loss;
    if (replica.isChief()) {
      step = globalStep();
      if (step >= steps) {
        sync.release(session, steps);
        return false;
      }
      if (step != contributed) {
        beforeUpdate(step);
        trainer.updateCompression(session, step);
        sync.release(session, step);
        phase = trainer.phase(session);
        loss = contribute(step, phase);
        contributed = step;
        contributedLoss = loss;
      } else { // this step's apply timed out: the chief's gradients are in, a replica's are not
        sync.releaseMissing(session, step);
        phase = trainer.phase(session);
        loss = contributedLoss;
      }
      session.run(trainer.trainOp(phase)); // waits for every replica's gradients of this step
      contributed = -1;
      maybeCheckpoint();
    } else {
      step = sync.awaitRelease(session);
      if (step >= steps) {
        return false;
      }
      trainer.followCompression(session);
      phase = trainer.phase(session);
      loss = contribute(step, phase);
    }
    listener.stepped(step, loss, phase);
    return true;
  }

  /** Adds this replica's gradients of its part of {@code step}'s batch to the accumulators; returns its loss. */
  private float contribute(long step, Phase phase) {
    List<Tensor> open = new ArrayList<>();
    try (TInt64 tag = TInt64.scalarOf(step)) {
      Session.Runner runner = session.runner();
      model.feeds(step, replica.index(), replica.count(), open).forEach(runner::feed);
      runner.feed(sync.localStep(), tag);
      try (var r = runner.addTarget(trainer.contributeOp(phase).orElseThrow()).fetch(trainer.loss(phase)).run()) {
        float loss = ((TFloat32) r.get(0)).getFloat();
        if (!Float.isFinite(loss)) {
          throw new IllegalStateException("loss became " + loss + " at step " + step + " in phase " + phase);
        }
        return loss;
      }
    } finally {
      open.forEach(Tensor::close);
    }
  }

  /**
   * A failed step: the session is given up (closing one whose ps died can hang) and the loop reconnects, unless the
   * cluster has been gone longer than the timeout.
   */
  private void lost(TensorFlowException e) {
    if (lostSince < 0) {
      lostSince = System.nanoTime();
      log.accept("lost the cluster (" + firstLine(e.getMessage()) + "); reconnecting");
    } else if (System.nanoTime() - lostSince > replica.timeout().toNanos()) {
      String within = replica.timeout().toSeconds() + " s";
      throw new ClusterUnavailableException((sync == null ? "the cluster did not come back within " + within
          : "no synchronous step completed within " + within + " (each waits for every replica's gradients: is one"
              + " down?)") + ": " + firstLine(e.getMessage()), e);
    }
    if (session != null) {
      abandoned++;
    }
    session = null;
    sleep();
  }

  /** A session, with the shared variables initialised: by the chief (restored if a checkpoint exists). */
  public Session connect() {
    if (session == null) {
      session = replica.open(model.graph());
    }
    long deadline = System.nanoTime() + replica.timeout().toNanos();
    while (!isInitialized() || !replica.isChief() && !isStarted()) {
      if (replica.isChief()) {
        var latest = checkpoints.latest();
        if (latest.isPresent()) {
          session.restore(latest.get().prefix().toString());
          session.run(claimsFromSteps);
          // the restore moved α and the last update step back: this process's copies must follow
          trainer.followCompression(session);
          lastCheckpoint = latest.get().step();
          contributed = -1; // the restarted ps's accumulators hold nothing
          log.accept("restored the checkpoint of step " + latest.get().step());
        } else {
          session.forceInitialize(); // the session counts its initializers as run elsewhere; here they must run
          log.accept("initialised the shared variables");
        }
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new ClusterUnavailableException("the chief did not initialise the shared variables within "
            + replica.timeout().toSeconds() + " s");
      }
      sleep();
    }
    if (replica.isChief() && sync != null) {
      sync.align(session, globalStep()); // a restarted ps's accumulators start at 0, and would take stale steps
    }
    return session;
  }

  /** Lets the other replicas train (the chief has measured what it measures before training). */
  public void startOthers() {
    session.run(start);
  }

  private boolean isStarted() {
    try (var r = session.runner().fetch(startedInitialized).run()) {
      if (!((TBool) r.get(0)).getBoolean()) {
        return false;
      }
    }
    try (var r = session.runner().fetch(started).run()) {
      return ((TBool) r.get(0)).getBoolean();
    }
  }

  private boolean isInitialized() {
    try (var r = session.runner().fetch(initialized).run()) {
      return ((TBool) r.get(0)).getBoolean();
    }
  }

  private void maybeCheckpoint() {
    long step = globalStep();
    if (step - lastCheckpoint >= replica.checkpointEvery()) {
      checkpoints.save(session, step);
      lastCheckpoint = step;
    }
  }

  public long globalStep() {
    try (var r = session.runner().fetch(trainer.globalStep()).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  /**
   * Waits until the steps claimed by other replicas are trained, or until the count stops moving for the cluster's
   * timeout (a replica died between its claim and its step). Not less: a replica slowed by load is not dead, and a
   * five-second patience once exported a run a step short.
   */
  private void awaitOthers(long steps) {
    long last = -1;
    long still = System.nanoTime();
    while (true) {
      long now = globalStep();
      if (now >= steps) {
        return;
      }
      if (now != last) {
        last = now;
        still = System.nanoTime();
      } else if (System.nanoTime() - still > replica.timeout().toNanos()) {
        log.accept((steps - now) + " claimed steps were never trained (a replica stopped): " + now + " of " + steps);
        return;
      }
      sleep();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnavailableException("interrupted");
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("").strip();
  }
}
