package org.matcomp.compressor.prune;

import java.util.Locale;

/** How block pruning summarises the scores of a block, as model_pruning's {@code block_pooling_function}. */
public enum Pooling {
  AVG,
  MAX;

  /** Parses the reference's spelling ('AVG', 'MAX'), case-insensitively. */
  public static Pooling parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "block_pooling_function='" + name + "' is not AVG or MAX (the two the reference accepts)", e);
    }
  }
}
