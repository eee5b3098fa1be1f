package org.matcomp.compressor.prune;

import org.matcomp.spec.CompressionSpec;

/**
 * Typed reads of the pruning hparams, which {@link CompressionSpec} keeps as strings (they belong to the reference's
 * model_pruning library, not to the compression spec proper). Errors name the key and the text that failed.
 */
final class SpecParams {
  private final CompressionSpec spec;

  SpecParams(CompressionSpec spec) {
    this.spec = spec;
  }

  boolean has(String key) {
    return spec.methodParameters().containsKey(key);
  }

  String string(String key, String fallback) {
    return spec.methodParameter(key, fallback).trim();
  }

  double decimal(String key, double fallback) {
    String v = spec.methodParameters().get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("spec '" + spec.name() + "': " + key + "='" + v + "' is not a number", e);
    }
  }

  long integer(String key, long fallback) {
    String v = spec.methodParameters().get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("spec '" + spec.name() + "': " + key + "='" + v + "' is not an integer", e);
    }
  }

  int smallInteger(String key, int fallback) {
    long v = integer(key, fallback);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("spec '" + spec.name() + "': " + key + "=" + v + " is out of int range");
    }
    return (int) v;
  }
}
