package org.matcomp.savedmodel.autoplan;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One setting the planner may give a matrix: a method and its settings, as a plan entry writes them. The menu runs
 * from light to heavy: 16-bit floats, int8, k-means codebooks of 16, 4 and 2 levels, pruning with a 16-level
 * codebook for the kept values at three sparsities, and low-rank with int8 factors at four sizes.
 */
record Candidate(String method, Map<String, Number> settings) {
  Candidate {
    settings = Map.copyOf(settings);
  }

  /** This setting as the plan entry for the layers {@code regex}. */
  JsonObject entry(String regex) {
    JsonObject e = new JsonObject();
    e.addProperty("layers", regex);
    e.addProperty("method", method);
    new java.util.TreeMap<>(settings).forEach(e::addProperty);
    return e;
  }

  /** The settings tried for an m×n matrix. */
  static List<Candidate> menu(int rows, int cols) {
    List<Candidate> out = new ArrayList<>();
    out.add(new Candidate("fp16", Map.of()));
    out.add(new Candidate("int8", Map.of()));
    for (int k : new int[] {16, 4, 2}) {
      out.add(new Candidate("kmeans", Map.of("clusters", k)));
    }
    for (double s : new double[] {0.5, 0.75, 0.9}) {
      out.add(new Candidate("prune+kmeans", orderedMap("sparsity", s, "clusters", 16)));
    }
    // low-rank with int8 factors stores r·(m+n) bytes: ranks for about 6, 8, 16 and 32 times smaller
    long mn = (long) rows * cols;
    for (int ratio : new int[] {6, 8, 16, 32}) {
      int r = (int) (4 * mn / ((long) ratio * (rows + cols)));
      if (r >= 1 && r < Math.min(rows, cols) / 2) {
        out.add(new Candidate("lowrank+int8", Map.of("rank", r)));
      }
    }
    return out;
  }

  private static Map<String, Number> orderedMap(String k1, Number v1, String k2, Number v2) {
    Map<String, Number> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  @Override
  public String toString() {
    return method + (settings.isEmpty() ? "" : " " + new java.util.TreeMap<>(settings));
  }
}
