package org.matcomp.compressor;

import java.util.List;
import java.util.Optional;

/**
 * A method applied to another method's float factors entry by entry — k-means codebooks, int8, fp16 — which is what
 * a composition {@code first+coder} does to the factors of {@code first}. Holds the coder's settings.
 */
public interface ValueCoder {
  /** The setting-free part: names, shapes and the decoding expression. */
  ValueCoding coding();

  /**
   * The stored factors for float factor {@code original}, known before any data; empty when coding would not make it
   * smaller (a factor of a few entries stays float32).
   */
  Optional<List<FactorSpec>> layout(FactorSpec original);

  /** {@code values} of {@code original} coded, in {@link #layout} order; {@code matrix} names it in errors. */
  List<Factor> code(String matrix, FactorSpec original, float[] values);

  /** The name of two stored factors of one original: {@code B} and {@code codes} make {@code B__codes}. */
  static String role(String original, String part) {
    return original + "__" + part;
  }
}
