package org.matcomp.savedmodel.trace;

import java.util.List;

/**
 * Every place a variable's handle or value goes in a (pruned) graph: the weight sites a compressed form can replace,
 * and the uses it cannot ({@code blockers}, human-readable). A variable with blockers stays dense.
 */
public record VariableUses(VariableInfo variable, List<SiteUse> sites, List<String> blockers) {
  public VariableUses {
    sites = List.copyOf(sites);
    blockers = List.copyOf(blockers);
  }

  /** One consumer reading the variable as its weight at input {@code weightInput}. */
  public record SiteUse(Location location, String consumer, ConsumerKind kind, int weightInput) {}

  public boolean rewritable() {
    return blockers.isEmpty() && !sites.isEmpty();
  }
}
