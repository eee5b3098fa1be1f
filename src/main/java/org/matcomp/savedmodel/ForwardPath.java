package org.matcomp.savedmodel;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the signatures' outputs depend on: the weight sites reached, every variable read on the way (weights and
 * biases alike) and the library functions entered. Variables outside it — optimizer slots, metric counters, step
 * counters — are not part of serving, whatever their shape.
 */
public record ForwardPath(List<WeightSite> sites, Map<String, VariableInfo> variables, Set<String> functions) {
  public ForwardPath {
    sites = List.copyOf(sites);
    variables = Map.copyOf(variables);
    functions = Set.copyOf(functions);
  }
}
