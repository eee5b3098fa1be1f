package org.matcomp.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.Method;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.Methods;

/**
 * The setting of a method that compresses a set of matrices closest to a target ratio (dense bytes over stored
 * bytes, summed over the matrices), found by sizing each candidate of the method's size knob with its compressor;
 * a target no candidate comes within {@value #TOLERANCE}× of is unreachable for that method and those matrices.
 */
final class SizeForRatio {
  /** How far (as a factor) the nearest setting may be from the target and still count as reaching it. */
  static final double TOLERANCE = 1.25;

  private SizeForRatio() {}

  /** A setting and the ratio it gives. */
  record Setting(Map<String, String> hparams, double ratio) {
    String describe() {
      return hparams.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(","));
    }
  }

  /** The candidate settings of each method's size knob, light to heavy. */
  static List<Map<String, String>> candidates(String method) {
    List<Map<String, String>> out = new ArrayList<>();
    switch (method) {
      case "lowrank" -> {
        for (int r = 1; r <= 1024; r++) {
          out.add(Map.of("absolute_rank", Integer.toString(r)));
        }
      }
      case "simhash" -> {
        for (int k = 8; k <= 8192; k += 8) {
          out.add(Map.of("absolute_rank", Integer.toString(k)));
        }
      }
      case "kmeans" -> {
        for (int k = 2; k <= 256; k *= 2) {
          out.add(Map.of("absolute_rank", Integer.toString(k)));
        }
      }
      case "prune" -> {
        for (int permille = 300; permille <= 995; permille += 5) {
          out.add(Map.of("target_sparsity", Double.toString(permille / 1000.0)));
        }
      }
      case "dictionary" -> {
        for (int atoms : new int[] {128, 256, 512}) {
          for (int nonzeros = 1; nonzeros <= 32; nonzeros++) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("dl_atoms", Integer.toString(atoms));
            m.put("dl_nonzeros", Integer.toString(nonzeros));
            out.add(m);
          }
        }
      }
      default -> throw new IllegalArgumentException("no size knob for method " + method);
    }
    return out;
  }

  /**
   * The setting of {@code method} whose ratio over {@code matrices} (name → rows, cols) is nearest {@code target}
   * (in log scale; the lighter one on a tie), given the run's {@code base} spec.
   */
  static Setting find(String method, double target, Map<String, int[]> matrices, CompressionSpec base) {
    Method m = Methods.byName(method);
    Setting best = null;
    // the compressors log each layout that saves nothing; here that is every heavy candidate, and no news
    java.util.logging.Logger compressors = java.util.logging.Logger.getLogger("org.matcomp.compressor");
    java.util.logging.Level level = compressors.getLevel();
    compressors.setLevel(java.util.logging.Level.SEVERE);
    try {
      for (Map<String, String> hparams : candidates(method)) {
        OptionalDouble ratio = ratio(base.withHparams(hparams.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","))), matrices);
        if (ratio.isPresent() && (best == null || Math.abs(Math.log(ratio.getAsDouble() / target))
            < Math.abs(Math.log(best.ratio() / target)))) {
          best = new Setting(hparams, ratio.getAsDouble());
        }
      }
    } finally {
      compressors.setLevel(level);
    }
    if (best == null || Math.abs(Math.log(best.ratio() / target)) > Math.log(TOLERANCE)) {
      throw new IllegalArgumentException(String.format("%s cannot compress %s %s× (its nearest setting, %s, gives"
          + " %.1f×): choose other --ratios", m.name(), String.join(" and ", matrices.keySet()), fmt(target),
          best == null ? "none" : best.describe(), best == null ? 0 : best.ratio()));
    }
    return best;
  }

  /**
   * The ratio {@code spec} gives the matrices, each left dense where it would store no fewer bytes (as training
   * leaves it); empty when the setting does not apply to one of them (a rank above its size, say).
   */
  private static OptionalDouble ratio(CompressionSpec spec, Map<String, int[]> matrices) {
    CompressedSize total = CompressedSize.empty();
    try {
      for (Map.Entry<String, int[]> e : matrices.entrySet()) {
        int rows = e.getValue()[0];
        int cols = e.getValue()[1];
        CompressedSize size = spec.compressor().size(e.getKey(), rows, cols);
        total = total.plus(size.savesNothing() ? CompressedSize.dense(rows, cols) : size);
      }
    } catch (IllegalArgumentException notApplicable) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(total.ratio());
  }

  static String fmt(double ratio) {
    return ratio == Math.rint(ratio) ? Long.toString((long) ratio) : Double.toString(ratio);
  }
}
