package org.matcomp.savedmodel.trace;

import java.util.Objects;

/** Where a node lives: the top-level graph or the body of one function of the library. */
public record Location(String function) {
  public static final Location TOP = new Location(null);

  public static Location function(String name) {
    return new Location(Objects.requireNonNull(name, "function name"));
  }

  public boolean isTopLevel() {
    return function == null;
  }

  /** For reports: "graph" or the function's name. */
  @Override
  public String toString() {
    return isTopLevel() ? "graph" : function;
  }
}
