package org.matcomp.savedmodel.finetune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.matcomp.cluster.Checkpoints;
import org.matcomp.cluster.ClusterUnavailableException;
import org.matcomp.cluster.Replica;
import org.matcomp.cluster.VariablePlacement;
import org.matcomp.operator.Phase;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt64;

/**
 * The training loop of one replica of a cluster (between-graph replication, asynchronous updates). Each step is
 * claimed from a shared counter on the parameter servers, so the replicas together train exactly the run's number of
 * steps, and step k trains on batch k of the seeded epoch order whichever replica takes it — the batches of the
 * single-process run. The chief initialises the shared variables (or restores the last checkpoint after a ps lost
 * them), runs the compression's host updates at the step it claimed, and checkpoints every N steps; the others wait
 * until the variables are there. A lost ps (killed, restarted) fails the step; the replica then waits for the
 * cluster, opens a new session (closing the old one could hang on the dead task) and goes on from the shared state —
 * the restored checkpoint's step count included, so no step is counted twice.
 */
final class ReplicaTraining {
  /** How often a waiting replica looks again. */
  private static final long POLL_MILLIS = 200;

  private final Replica replica;
  private final FineTuneGraph g;
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

  /** Adds the shared step counter to {@code g}, on {@code placement}'s trainer-state task. */
  ReplicaTraining(Replica replica, FineTuneGraph g, VariablePlacement placement, Consumer<String> log) {
    this.replica = replica;
    this.g = g;
    this.log = log;
    Ops state = placement.forTrainerState(g.tf);
    this.claims = state.withName("step_claims").variable(g.tf.constant(0L));
    this.claim = g.tf.withName("claim_step").assignAdd(claims, g.tf.constant(1L));
    this.initialized = g.tf.withName("global_step_initialized").isVariableInitialized(g.trainer.globalStep());
    // the chief measures the original model before anyone trains: the others wait for this flag
    this.started = state.withName("replicas_started").variable(g.tf.constant(false));
    this.startedInitialized = g.tf.withName("replicas_started_initialized").isVariableInitialized(started);
    this.start = g.tf.withName("start_replicas").assign(started, g.tf.constant(true));
    // a checkpoint may hold a claim whose step had not yet run: after a restore the claims restart at the step
    this.claimsFromSteps = g.tf.withName("claims_from_steps").assign(claims, g.trainer.globalStep());
    this.checkpoints = replica.checkpoints();
  }

  /** The session that is up now (a new one after a failure). */
  Session session() {
    return session;
  }

  /**
   * Whether a session was given up after a failure: it still holds the graph, whose close would wait for it
   * forever, so the graph is then left to the process's end.
   */
  boolean abandonedAny() {
    return abandoned > 0;
  }

  /**
   * Trains until the replicas together have claimed {@code steps} steps; on the chief, then waits for the others to
   * finish theirs. Returns the steps this replica trained.
   */
  long train(TrainingData train, FineTuneOptions o, FineTuneListener listener) {
    long mine = 0;
    long lostSince = -1;
    BatchOrder order = new BatchOrder(train, o.batch(), o.seed());
    while (true) {
      try {
        if (session == null) {
          connect();
        }
        long step;
        try (var r = session.runner().fetch(claim).run()) {
          step = ((TInt64) r.get(0)).getLong() - 1;
        }
        lostSince = -1;
        if (step >= o.steps()) {
          break;
        }
        TrainingData.Batch b = order.at(step);
        List<Tensor> open = new ArrayList<>();
        try {
          Map<Operand<?>, Tensor> feeds = g.feeds(b, open);
          var r = g.trainer.step(session, step, feeds, replica.isChief());
          listener.stepped(step, r.loss(), r.phase());
          mine++;
        } finally {
          open.forEach(Tensor::close);
        }
        if (replica.isChief()) {
          maybeCheckpoint();
        }
      } catch (TensorFlowException e) {
        if (lostSince < 0) {
          lostSince = System.nanoTime();
          log.accept("lost the cluster (" + firstLine(e.getMessage()) + "); reconnecting");
        } else if (System.nanoTime() - lostSince > replica.timeout().toNanos()) {
          throw new ClusterUnavailableException("the cluster did not come back within "
              + replica.timeout().toSeconds() + " s: " + firstLine(e.getMessage()), e);
        }
        if (session != null) {
          abandoned++;
        }
        session = null; // abandoned, not closed: closing a session whose ps died can hang
        sleep();
      }
    }
    if (replica.isChief()) {
      awaitOthers(o.steps());
    }
    return mine;
  }

  /** A session, with the shared variables initialised: by the chief (restored if a checkpoint exists). */
  Session connect() {
    if (session == null) {
      session = replica.open(g.graph);
    }
    long deadline = System.nanoTime() + replica.timeout().toNanos();
    while (!isInitialized() || !replica.isChief() && !isStarted()) {
      if (replica.isChief()) {
        var latest = checkpoints.latest();
        if (latest.isPresent()) {
          session.restore(latest.get().prefix().toString());
          session.run(claimsFromSteps);
          // the restore moved α and the last update step back: this process's copies must follow
          g.chosen.values().forEach(c -> c.weight().resync(session));
          lastCheckpoint = latest.get().step();
          log.accept("restored the checkpoint of step " + latest.get().step());
        } else {
          session.forceInitialize(); // the session counts its initializers as run elsewhere; here they must run
          log.accept("initialised the shared variables");
        }
        return session;
      }
      if (System.nanoTime() > deadline) {
        throw new ClusterUnavailableException("the chief did not initialise the shared variables within "
            + replica.timeout().toSeconds() + " s");
      }
      sleep();
    }
    return session;
  }

  /** Lets the other replicas train (the chief has measured what it measures before training). */
  void startOthers() {
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

  long globalStep() {
    try (var r = session.runner().fetch(g.trainer.globalStep()).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  /**
   * Waits until the steps claimed by other replicas are trained, or until the count stops moving for a few seconds
   * (a replica died between its claim and its step).
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
      } else if (System.nanoTime() - still > 5_000_000_000L) {
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
