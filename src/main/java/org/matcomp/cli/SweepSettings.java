package org.matcomp.cli;

import java.util.ArrayList;
import java.util.List;

/** The settings a sweep tries per method: sizes from light to heavy compression. */
final class SweepSettings {
  private SweepSettings() {}

  static SpecOptions of(String method) {
    SpecOptions o = new SpecOptions();
    o.method = method;
    return o;
  }

  static List<SpecOptions> forMethod(String method) {
    List<SpecOptions> out = new ArrayList<>();
    switch (method) {
      case "lowrank" -> {
        for (int r : new int[] {128, 64, 32, 16, 8}) {
          SpecOptions o = of(method);
          o.rank = r;
          out.add(o);
        }
      }
      case "prune" -> {
        for (double s : new double[] {0.5, 0.8, 0.9, 0.95, 0.98}) {
          SpecOptions o = of(method);
          o.sparsity = s;
          out.add(o);
        }
      }
      case "kmeans" -> {
        for (int k : new int[] {64, 16, 4, 2}) {
          SpecOptions o = of(method);
          o.rank = k;
          out.add(o);
        }
      }
      case "simhash" -> {
        for (int bits : new int[] {512, 256, 128}) {
          SpecOptions o = of(method);
          o.rank = bits;
          out.add(o);
        }
      }
      default -> out.add(of(method));
    }
    return out;
  }

  static String describe(SpecOptions o) {
    if (o.rank != null) {
      return o.method + " size=" + o.rank;
    }
    if (o.sparsity != null) {
      return o.method + " sparsity=" + o.sparsity;
    }
    return o.method;
  }
}
