package org.matcomp.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.tensorflow.Graph;

import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * This process as one replica of a cluster (between-graph replication): its task's server runs here, its graph
 * holds the same variables as every other replica's, placed on the parameter servers, and its sessions run through
 * its own server. The chief also initialises (or restores from the last checkpoint), runs the compression's host
 * updates and writes checkpoints to {@code checkpointDir}, which every replica that may become chief after a restart
 * must see.
 *
 * @param timeout how long a task may stay unreachable, and an operation hang, before the run fails
 * @param updates whether the replicas apply their gradients each on its own or averaged, once a step
 */
public record Replica(ClusterSpec cluster, TaskId task, Path checkpointDir, long checkpointEvery, Duration timeout,
    Updates updates, TaskServer server) {
  public Replica {
    if (task.job().equals(ClusterSpec.PS)) {
      throw new IllegalArgumentException("task " + task + " is a parameter server: start it with 'matcomp cluster ps"
          + " --task " + task.index() + "'; train and finetune run as a worker or the chief");
    }
    cluster.address(task);
    if (checkpointEvery <= 0) {
      throw new IllegalArgumentException("--checkpoint-every " + checkpointEvery + " is not positive");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--cluster-timeout " + timeout.toSeconds() + " s is not positive");
    }
  }

  /** Starts {@code task}'s server in this process and returns the replica. */
  public static Replica start(ClusterSpec cluster, TaskId task, Path checkpointDir, long checkpointEvery,
      Duration timeout, Updates updates) {
    return new Replica(cluster, task, checkpointDir, checkpointEvery, timeout, updates, null).start();
  }

  /** This replica, checked when built with no server, with its task's server started in this process. */
  public Replica start() {
    if (server != null) {
      throw new IllegalStateException("task " + task + "'s server is running already");
    }
    return new Replica(cluster, task, checkpointDir, checkpointEvery, timeout, updates,
        TaskServer.start(cluster, task));
  }

  public boolean isChief() {
    return task.equals(cluster.chief());
  }

  /** How many replicas train. */
  public int count() {
    return cluster.replicas().size();
  }

  /** This replica's place among them (0 to {@link #count} − 1): which part of a step's batch it takes when in sync. */
  public int index() {
    return cluster.replicas().indexOf(task);
  }

  public VariablePlacement placement(Map<String, Long> variableBytes) {
    return VariablePlacement.onParameterServers(cluster, variableBytes);
  }

  /**
   * A session on {@code graph} through this task's server, once every ps task accepts connections: it sees only the
   * ps tasks and this one, and no operation waits longer than the timeout. Its initializers are left to the chief.
   */
  public Session open(Graph graph) {
    TaskServer.awaitReachable(cluster, cluster.psTasks(), timeout);
    ConfigProto.Builder config = ConfigProto.newBuilder().addDeviceFilters("/job:" + ClusterSpec.PS)
        .addDeviceFilters(task.device()).setOperationTimeoutInMs(timeout.toMillis());
    Session s = RemoteSessions.open(graph, server.target(), config.build());
    RemoteSessions.initializedElsewhere(s);
    return s;
  }

  public Checkpoints checkpoints() {
    return new Checkpoints(checkpointDir);
  }
}
