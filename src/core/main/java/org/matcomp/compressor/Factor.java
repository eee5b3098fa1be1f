package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One factor's values: floats for the float types (rounded to what a narrower float type stores), ints for the integer types (codes held unpacked for
 * computation, one int an entry, and stored at the type's width), 0/1 for {@link FactorType#BIT}. Immutable: arrays
 * are copied in and out.
 */
public final class Factor {
  private final FactorSpec spec;
  private final float[] floats;
  private final int[] ints;

  private Factor(FactorSpec spec, float[] floats, int[] ints) {
    this.spec = spec;
    this.floats = floats;
    this.ints = ints;
  }

  public static Factor ofFloats(FactorSpec spec, float[] values) {
    checkArgument(spec.type().isFloat(), "factor %s is %s, not float", spec.name(), spec.type());
    checkArgument(values.length == spec.entries(), "factor %s needs %s values, got %s", spec.name(), spec.entries(),
        values.length);
    return new Factor(spec, spec.type().round(values, spec.shape()), null);
  }

  public static Factor ofInts(FactorSpec spec, int[] values) {
    checkArgument(!spec.type().isFloat(), "factor %s is %s, not integer", spec.name(), spec.type());
    checkArgument(values.length == spec.entries(), "factor %s needs %s values, got %s", spec.name(), spec.entries(),
        values.length);
    long max = spec.type().maxValue();
    for (int v : values) {
      // A plain test, not checkArgument: its varargs box and allocate per entry (≈30 ms per million codes cold).
      if (v < 0 || v > max) {
        throw new IllegalArgumentException(String.format("factor %s (%s) holds %s, outside [0, %s]", spec.name(),
            spec.type(), v, max));
      }
    }
    return new Factor(spec, null, values.clone());
  }

  public FactorSpec spec() {
    return spec;
  }

  public String name() {
    return spec.name();
  }

  public float[] floats() {
    checkArgument(floats != null, "factor %s holds integers", spec.name());
    return floats.clone();
  }

  public int[] ints() {
    checkArgument(ints != null, "factor %s holds floats", spec.name());
    return ints.clone();
  }

  @Override
  public String toString() {
    return "Factor[" + spec + "]";
  }
}
