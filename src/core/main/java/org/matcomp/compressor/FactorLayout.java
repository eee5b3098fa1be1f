package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A rows×cols matrix's factors by role, as a product rule sees them: shapes and types, no values. */
public record FactorLayout(int rows, int cols, List<FactorSpec> factors) {
  public FactorLayout {
    factors = List.copyOf(factors);
    Map<String, FactorSpec> seen = new LinkedHashMap<>();
    for (FactorSpec f : factors) {
      checkArgument(seen.put(f.name(), f) == null, "factor role %s appears twice in %s", f.name(), factors);
    }
  }

  public FactorSpec spec(String role) {
    return factors.stream().filter(f -> f.name().equals(role)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no factor " + role + " among " + factors));
  }

  public boolean has(String role) {
    return factors.stream().anyMatch(f -> f.name().equals(role));
  }

  public int[] shape(String role) {
    return spec(role).shape();
  }
}
