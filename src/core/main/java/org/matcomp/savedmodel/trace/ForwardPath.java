package org.matcomp.savedmodel.trace;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the signatures' outputs depend on: the weight sites reached, every variable read on the way (weights and
 * biases alike), the ops that read each of them and the library functions entered. Variables outside it — optimizer slots, metric counters, step
 * counters — are not part of serving, whatever their shape.
 */
public record ForwardPath(List<WeightSite> sites, Map<String, VariableInfo> variables, Set<String> functions,
    Map<String, List<String>> readers) {
  public ForwardPath {
    sites = List.copyOf(sites);
    variables = Map.copyOf(variables);
    functions = Set.copyOf(functions);
    readers = Map.copyOf(readers);
  }

  /** The ops on the path that read {@code variable}'s value or handle, as {@code Op@location:node}. */
  public List<String> readersOf(String variable) {
    return readers.getOrDefault(variable, List.of());
  }
}
