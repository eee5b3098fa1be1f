package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Objects;

/**
 * The name, storage type, shape and trainability of one factor, known before any data exists so that the operator
 * can create its variable when the graph is built.
 */
public final class FactorSpec {
  private final String name;
  private final FactorType type;
  private final int[] shape;
  private final boolean trainable;

  public FactorSpec(String name, FactorType type, int[] shape, boolean trainable) {
    checkArgument(name.matches("[A-Za-z0-9][A-Za-z0-9_]*"), "factor name '%s' must be a plain identifier", name);
    for (int d : shape) {
      checkArgument(d >= 0, "factor %s has a negative dimension in %s", name, Arrays.toString(shape));
    }
    this.name = name;
    this.type = Objects.requireNonNull(type);
    this.shape = shape.clone();
    this.trainable = trainable;
    checkArgument(!trainable || type.isFloat(), "factor %s: only float factors can train", name);
    checkArgument(type != FactorType.INT8 || shape.length >= 2, "factor %s: int8 with a scale per column needs"
        + " rank 2 or more, not %s (use INT8_PER_TENSOR)", name, Arrays.toString(shape));
  }

  public static FactorSpec trainableFloat(String name, int... shape) {
    return new FactorSpec(name, FactorType.FLOAT32, shape, true);
  }

  public String name() {
    return name;
  }

  public FactorType type() {
    return type;
  }

  public int[] shape() {
    return shape.clone();
  }

  /** This factor stored as {@code newType} (a coder narrowing a float factor). */
  public FactorSpec withType(FactorType newType) {
    return new FactorSpec(name, newType, shape, trainable && newType.isFloat());
  }

  /** This factor under another name (a coder's factor named after the one it codes). */
  public FactorSpec renamed(String newName) {
    return new FactorSpec(newName, type, shape, trainable);
  }

  public boolean trainable() {
    return trainable;
  }

  public long entries() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** The bytes this factor is stored in: its entries at the type's width, plus an int8 factor's scales. */
  public long storageBytes() {
    return type.bytesFor(entries()) + (type.isInt8() ? 4L * Int8Quantization.scales(type, shape) : 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FactorSpec f && name.equals(f.name) && type == f.type && Arrays.equals(shape, f.shape)
        && trainable == f.trainable;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, Arrays.hashCode(shape), trainable);
  }

  @Override
  public String toString() {
    return name + ":" + type + Arrays.toString(shape) + (trainable ? "" : " (fixed)");
  }
}
