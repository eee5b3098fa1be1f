package org.matcomp.cluster;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a cluster's replicas update the shared variables. Asynchronously, each applies its own gradients as soon as it
 * has them (TensorFlow's classic between-graph replication): no replica waits, but each computes on variables the
 * others have moved since — measured 0.4–0.6 pt below one process on the zoo MLP. Synchronously, each step's batch is
 * split among the replicas, their gradients are averaged on the parameter servers and applied once (what TF1's
 * {@code SyncReplicasOptimizer} did): the step the one-process run takes, so the same result, at the pace of the
 * slowest replica.
 */
public enum Updates {
  ASYNCHRONOUS("async"),
  SYNCHRONOUS("sync");

  private final String flag;

  Updates(String flag) {
    this.flag = flag;
  }

  /** The word {@code --updates} takes. */
  public String flag() {
    return flag;
  }

  public static Updates parse(String s) {
    for (Updates u : values()) {
      if (u.flag.equals(s.toLowerCase(Locale.ROOT))) {
        return u;
      }
    }
    throw new IllegalArgumentException("--updates " + s + " is not one of " + Arrays.stream(values())
        .map(Updates::flag).collect(Collectors.joining(", ")));
  }
}
