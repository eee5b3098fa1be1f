package org.matcomp.savedmodel;

/**
 * How an export serves the weights whose form rebuilds them (codebooks, masks, 8- and 16-bit weights; low-rank never
 * rebuilds its weight and is served factored, but for small matrices, see {@link #SMALL_MATRIX_ENTRIES}).
 */
public enum ServingForm {
  /** W decoded from its factors inside every call: the smallest serving memory, a decode per call. */
  COMPACT,
  /**
   * W decoded once when the model loads (by the SavedModel's init op, which TF Java, Python and TF Serving run) into a
   * variable that is not saved: calls run as fast as the original; serving memory holds the dense W.
   */
  FAST;

  /**
   * In the fast form a factored weight (low-rank) this small is materialised too: its two products save too few
   * multiply-adds to pay for the extra ops (the TF1 CNN's low-rank 36×6, 150×12 and 200×10 layers served 16 % slower
   * factored at batch 1, 0.48 → 0.56 ms).
   */
  public static final long SMALL_MATRIX_ENTRIES = 1 << 16;

  public static ServingForm parse(String name) {
    for (ServingForm f : values()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("--serving-form '" + name + "' is not compact or fast");
  }
}
