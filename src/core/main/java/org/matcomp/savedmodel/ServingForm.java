package org.matcomp.savedmodel;

/**
 * How an export serves the weights whose form rebuilds them (codebooks, masks, 8- and 16-bit weights; low-rank never
 * rebuilds its weight and is always served factored).
 */
public enum ServingForm {
  /** W decoded from its factors inside every call: the smallest serving memory, a decode per call. */
  COMPACT,
  /**
   * W decoded once when the model loads (by the SavedModel's init op, which TF Java, Python and TF Serving run) into a
   * variable that is not saved: calls run as fast as the original; serving memory holds the dense W.
   */
  FAST;

  public static ServingForm parse(String name) {
    for (ServingForm f : values()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("--serving-form '" + name + "' is not compact or fast");
  }
}
