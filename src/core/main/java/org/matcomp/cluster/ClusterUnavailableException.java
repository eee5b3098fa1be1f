package org.matcomp.cluster;

/** A task of the cluster is not reachable (not started, killed, or hung) within the configured timeout. */
public final class ClusterUnavailableException extends RuntimeException {
  public ClusterUnavailableException(String message) {
    super(message);
  }

  public ClusterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
