package org.matcomp.compressor.halfprecision;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.CoderMethod;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;
import org.matcomp.compressor.ValueCoder;

/**
 * Weights stored as 16-bit floats (not in graph_compression): {@code fp16} (IEEE half: 11 bits of precision, range
 * ±65504) or {@code bf16} (float32's range, 8 bits of precision). Read back with one Cast; trained through the
 * rounding (straight-through), so fine-tuning sees the stored values.
 */
public final class HalfPrecisionMethod extends BaseMethod implements CoderMethod {
  public static final HalfPrecisionMethod FP16 = new HalfPrecisionMethod("fp16", FactorType.FLOAT16,
      "W in IEEE half precision (2 bytes an entry, range ±65504)");
  public static final HalfPrecisionMethod BF16 = new HalfPrecisionMethod("bf16", FactorType.BFLOAT16,
      "W in bfloat16 (2 bytes an entry, float32's range, 8 bits of precision)");

  private final FactorType type;

  private HalfPrecisionMethod(String name, FactorType type, String description) {
    super(name, OptionalInt.empty(), description, Set.of(), Map.of());
    this.type = type;
  }

  /** The float type weights are stored as. */
  public FactorType type() {
    return type;
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    return new HalfPrecisionParameters(type);
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return new HalfPrecisionCompressor(this);
  }

  @Override
  public ProductRule rule() {
    return new HalfPrecisionRule();
  }

  @Override
  public ValueCoder coder(HparamView h) {
    return new HalfPrecisionCoder(type);
  }

  @Override
  public Set<String> coderHparamKeys() {
    return Set.of();
  }

  @Override
  public Map<String, String> coderCliFlags() {
    return Map.of();
  }
}
