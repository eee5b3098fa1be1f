package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Locale;
import java.util.Random;
import org.matcomp.spec.CompressionSpec;

/**
 * Typed reads of the structured methods' hparams, which {@link CompressionSpec} keeps as strings, and the
 * reference's Xavier-uniform draw. Errors name the spec, the key and the text that failed.
 */
final class StructuredParams {
  private final CompressionSpec spec;

  StructuredParams(CompressionSpec spec) {
    this.spec = spec;
  }

  /** A positive integer hparam. */
  int positive(String key, int fallback) {
    String v = spec.methodParameters().get(key);
    if (v == null) {
      return fallback;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("spec '" + spec.name() + "': " + key + "='" + v + "' is not an integer", e);
    }
    checkArgument(parsed > 0, "spec '%s': %s=%s must be positive", spec.name(), key, parsed);
    return parsed;
  }

  /** A boolean hparam, spelled as Python's HParams accepts it (True/False, true/false, 1/0). */
  boolean bool(String key, boolean fallback) {
    String v = spec.methodParameters().get(key);
    if (v == null) {
      return fallback;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new IllegalArgumentException(
          "spec '" + spec.name() + "': " + key + "='" + v + "' is not a boolean (True or False)");
    };
  }

  String string(String key, String fallback) {
    return spec.methodParameter(key, fallback).trim();
  }

  /**
   * {@code count} draws from U(−l, l) with the reference's Xavier limit l = sqrt(3 / max(1, fanAverage)), where
   * fanAverage is (fan_in + fan_out)/2 of the factor (or the reference's variant of it).
   */
  static float[] xavierUniform(Random rnd, int count, double fanAverage) {
    double limit = Math.sqrt(3.0 / Math.max(1.0, fanAverage));
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
    }
    return v;
  }
}
