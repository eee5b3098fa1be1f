package org.matcomp.compressor.narrow;

import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Expr;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.ValueCoder;
import org.matcomp.compressor.ValueCoding;

/**
 * fp16, bf16 or int8 as a coder of another method's float factors: the factor keeps its name and shape and changes
 * its type (a 1-D factor takes int8 with one scale), so decoding is the factor itself, read as its type says.
 */
record NarrowCoder(FactorType type) implements ValueCoder, ValueCoding {
  @Override
  public ValueCoding coding() {
    return this;
  }

  private FactorType typeFor(FactorSpec original) {
    return type == FactorType.INT8 && original.shape().length < 2 ? FactorType.INT8_PER_TENSOR : type;
  }

  @Override
  public Optional<FactorSpec> original(FactorSpec stored, FactorLayout layout) {
    boolean mine = type.isInt8() ? stored.type().isInt8() : stored.type() == type;
    return mine ? Optional.of(stored.withType(FactorType.FLOAT32)) : Optional.empty();
  }

  @Override
  public List<String> roles(FactorSpec original) {
    return List.of(original.name());
  }

  @Override
  public Expr decode(FactorSpec original) {
    return Expr.floats(original.name());
  }

  @Override
  public Optional<List<FactorSpec>> layout(FactorSpec original) {
    FactorSpec coded = original.withType(typeFor(original));
    return coded.storageBytes() < original.storageBytes() ? Optional.of(List.of(coded)) : Optional.empty();
  }

  @Override
  public List<Factor> code(String matrix, FactorSpec original, float[] values) {
    Factor f = Factor.ofFloats(original.withType(typeFor(original)), values);
    float[] rounded = f.floats();
    for (int i = 0; i < rounded.length; i++) {
      if (!Float.isFinite(rounded[i])) {
        throw new IllegalArgumentException(String.format("%s: factor %s entry %s is %s, beyond %s's range", matrix,
            original.name(), i, values[i], type.name().toLowerCase(java.util.Locale.ROOT)));
      }
    }
    return List.of(f);
  }
}
