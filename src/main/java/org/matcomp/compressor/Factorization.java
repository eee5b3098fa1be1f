package org.matcomp.compressor;

import java.util.List;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionMethod;

/**
 * A compressed m×n matrix: its factors and the product rule B⊗C that turns them back into a matrix. Pure Java; the
 * operator layer builds the same rule from TF ops.
 */
public interface Factorization {
  CompressionMethod method();

  int rows();

  int cols();

  /** The factors in the order of the compressor's layout. */
  List<Factor> factors();

  /** B⊗C as a dense m×n matrix. */
  FloatMatrix product();

  /** x · (B⊗C) for x of shape b×m, computed the cheap way (never forming the dense product when avoidable). */
  FloatMatrix applyTo(FloatMatrix x);

  /**
   * Method-specific figures for reports (e.g. k-means {@code inertia}, low-rank {@code rank}), by JSON field name.
   */
  default java.util.Map<String, Double> diagnostics() {
    return java.util.Map.of();
  }

  default CompressedSize size() {
    return CompressedSize.of(rows(), cols(), factors().stream().map(Factor::spec).toList());
  }

  default Factor factor(String name) {
    return factors().stream()
        .filter(f -> f.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no factor named " + name + " in " + factors()));
  }
}
