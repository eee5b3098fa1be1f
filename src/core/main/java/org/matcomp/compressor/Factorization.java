package org.matcomp.compressor;

import java.util.List;
import org.matcomp.linalg.FloatMatrix;

/**
 * A compressed m×n matrix: its factors and the product rule B⊗C that turns them back into a matrix. Pure Java; the
 * operator layer builds the same rule from TF ops.
 */
public interface Factorization {
  Method method();

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

  /**
   * This factorisation, after checking that every float factor is finite; {@code name} names the matrix in the
   * IllegalArgumentException. A finite matrix near the float32 limit can overflow in its factors (singular values
   * grow with the matrix size), and factors holding an infinity would be written and served as if they were right.
   */
  default Factorization requireFinite(String name) {
    for (Factor f : factors()) {
      if (!f.spec().type().isFloat()) {
        continue;
      }
      float[] v = f.floats();
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          throw new IllegalArgumentException(String.format("%s: factor %s of %s overflows %s (%s at entry %d):"
              + " the matrix's entries are too close to that type's limit (%s); scale it down", name, f.name(),
              method().name(), f.spec().type().name().toLowerCase(java.util.Locale.ROOT), v[i], i,
              f.spec().type() == FactorType.FLOAT16 ? 65504f : Float.MAX_VALUE));
        }
      }
    }
    return this;
  }

  default Factor factor(String name) {
    return factors().stream()
        .filter(f -> f.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no factor named " + name + " in " + factors()));
  }
}
