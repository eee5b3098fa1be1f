package org.matcomp.compressor.halfprecision;

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
 * fp16 or bf16 as a coder of another method's float factors: the factor keeps its name and shape and is stored two
 * bytes an entry; the read widens it, so decoding is the factor itself.
 */
record HalfPrecisionCoder(FactorType type) implements ValueCoder, ValueCoding {
  @Override
  public ValueCoding coding() {
    return this;
  }

  @Override
  public Optional<FactorSpec> original(FactorSpec stored, FactorLayout layout) {
    return stored.type() == type ? Optional.of(stored.withType(FactorType.FLOAT32)) : Optional.empty();
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
    return Optional.of(List.of(original.withType(type)));
  }

  @Override
  public List<Factor> code(String matrix, FactorSpec original, float[] values) {
    Factor f = Factor.ofFloats(original.withType(type), values);
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
