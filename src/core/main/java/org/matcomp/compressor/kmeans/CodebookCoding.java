package org.matcomp.compressor.kmeans;

import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.ValueCoder;
import org.matcomp.compressor.ValueCoding;

/**
 * A float factor X stored as a scalar codebook: {@code X__codebook} (K×1 floats, trainable when X was) and {@code
 * X__codes} (X's shape, ⌈log2 K⌉ bits an entry); X = codebook[codes].
 */
final class CodebookCoding implements ValueCoding {
  static final String CODEBOOK = "codebook";
  static final String CODES = "codes";

  @Override
  public Optional<FactorSpec> original(FactorSpec stored, FactorLayout layout) {
    return ValueCoding.named(stored, layout, CODES, CODEBOOK);
  }

  @Override
  public List<String> roles(FactorSpec original) {
    return List.of(ValueCoder.role(original.name(), CODES), ValueCoder.role(original.name(), CODEBOOK));
  }

  @Override
  public Expr decode(FactorSpec original) {
    Expr values = Expr.gather(Expr.floats(ValueCoder.role(original.name(), CODEBOOK)),
        Expr.ints(ValueCoder.role(original.name(), CODES)));
    return Expr.reshape(values, original.shape());
  }
}
