package org.matcomp.compressor.int8;

import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.ValueCoder;
import org.matcomp.compressor.ValueCoding;
import org.matcomp.linalg.FloatMatrix;

/**
 * int8 as a coder of another method's float factors (low-rank's B and C, pruning's kept values): the factor read as
 * rows of its last axis and quantised as {@link Int8Compressor} quantises a matrix — a scale per column of that axis,
 * or one for all (1-D factors always take one).
 */
record Int8Coder(boolean perTensor) implements ValueCoder {
  @Override
  public ValueCoding coding() {
    return new Int8Coding();
  }

  private int scaleCount(FactorSpec original) {
    int[] shape = original.shape();
    return perTensor || shape.length < 2 ? 1 : shape[shape.length - 1];
  }

  @Override
  public Optional<List<FactorSpec>> layout(FactorSpec original) {
    long coded = FactorType.UINT8.bytesFor(original.entries()) + 4L * scaleCount(original);
    if (coded >= original.storageBytes()) {
      return Optional.empty();
    }
    return Optional.of(List.of(
        new FactorSpec(ValueCoder.role(original.name(), Int8Coding.Q), FactorType.UINT8, original.shape(), false),
        new FactorSpec(ValueCoder.role(original.name(), Int8Coding.SCALES), FactorType.FLOAT32,
            new int[] {scaleCount(original)}, original.trainable())));
  }

  @Override
  public List<Factor> code(String matrix, FactorSpec original, float[] values) {
    List<FactorSpec> specs = layout(original).orElseThrow(() -> new IllegalArgumentException(String.format(
        "%s: factor %s (%s entries) is too small to store as int8", matrix, original.name(), values.length)));
    boolean oneScale = scaleCount(original) == 1;
    int cols = oneScale ? values.length : original.shape()[original.shape().length - 1];
    FloatMatrix m = FloatMatrix.adopt(values.length / cols, cols, values.clone());
    Factorization q = new Int8Compressor(new Int8Parameters(oneScale))
        .compress(matrix + " (factor " + original.name() + ")", m);
    return List.of(Factor.ofInts(specs.get(0), q.factors().get(0).ints()),
        Factor.ofFloats(specs.get(1), q.factors().get(1).floats()));
  }
}
