package org.matcomp.operator;

/** Which matrix a compressed layer reads: A alone, the α-blend of A and B⊗C, or B⊗C alone. */
public enum Phase {
  /** α = 1: the layer reads A (before the first update, and whenever nothing has decayed α yet). */
  DENSE,
  /** 0 &lt; α &lt; 1: the layer reads α·A + (1−α)·B⊗C and both train. */
  BLENDING,
  /** α = 0: the layer reads B⊗C only; A no longer matters and no longer trains. */
  COMPRESSED;

  public static Phase ofAlpha(double alpha) {
    if (alpha >= 1) {
      return DENSE;
    }
    return alpha <= 0 ? COMPRESSED : BLENDING;
  }

  public boolean readsDense() {
    return this != COMPRESSED;
  }

  public boolean readsFactors() {
    return this != DENSE;
  }
}
