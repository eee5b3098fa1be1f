package org.matcomp.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.matcomp.spec.Methods;

/** The settings a sweep tries per method, from light to heavy compression: each method's own sweep points. */
final class SweepSettings {
  private SweepSettings() {}

  static SpecOptions of(String method) {
    SpecOptions o = new SpecOptions();
    o.method = method;
    return o;
  }

  static List<SpecOptions> forMethod(String method) {
    List<SpecOptions> out = new ArrayList<>();
    for (Map<String, String> point : Methods.byName(method).sweepPoints()) {
      SpecOptions o = of(method);
      if (!point.isEmpty()) {
        o.hparams = point.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
      }
      out.add(o);
    }
    return out;
  }

  static String describe(SpecOptions o) {
    return o.hparams == null ? o.method : o.method + " " + o.hparams.replace("absolute_rank", "size");
  }
}
