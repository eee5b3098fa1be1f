package org.matcomp.spec;

/** graph_compression's {@code update_option}: where the factorisation at an update step runs. */
public enum UpdateOption {
  /** Inside the graph: the update op runs with the train op (TF ops plus host callbacks). */
  GRAPH(0),
  /** On the host, between two {@code Session.run} calls ({@code runUpdateStep}). */
  HOST(1),
  /** Both: the graph update runs each step and the host path also runs when called. */
  GRAPH_AND_HOST(2),
  /** No update: the factors only train; α never moves unless the caller moves it. */
  NONE(3);

  private final int code;

  UpdateOption(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static UpdateOption fromCode(int code) {
    for (UpdateOption o : values()) {
      if (o.code == code) {
        return o;
      }
    }
    throw new IllegalArgumentException("update_option=" + code + " is not one of 0 (graph), 1 (host), 2 (both), 3 (none)");
  }
}
