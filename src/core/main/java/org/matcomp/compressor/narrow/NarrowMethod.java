package org.matcomp.compressor.narrow;

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
 * Weights stored in a narrower number type (not in graph_compression): {@code int8} (symmetric, a scale per output
 * column, {@code int8_per_tensor=true} for one), {@code fp16} (IEEE half: 11 bits of precision, range ±65504) or
 * {@code bf16} (float32's range, 8 bits of precision). The factor is the weight itself, read back with a Cast (and
 * a Mul by the scales); in training it is a float32 variable read through the quantisation with the gradient passed
 * straight through, so fine-tuning sees the stored values. As a coder it stores another method's float factors so.
 */
public final class NarrowMethod extends BaseMethod implements CoderMethod {
  public static final NarrowMethod INT8 = new NarrowMethod("int8", FactorType.INT8,
      "q·scale: symmetric 8-bit weights, one scale per output column (or per tensor)", Set.of("int8_per_tensor"));
  public static final NarrowMethod FP16 = new NarrowMethod("fp16", FactorType.FLOAT16,
      "W in IEEE half precision (2 bytes an entry, range ±65504)", Set.of());
  public static final NarrowMethod BF16 = new NarrowMethod("bf16", FactorType.BFLOAT16,
      "W in bfloat16 (2 bytes an entry, float32's range, 8 bits of precision)", Set.of());

  private final FactorType type;

  private NarrowMethod(String name, FactorType type, String description, Set<String> keys) {
    super(name, OptionalInt.empty(), description, keys, Map.of());
    this.type = type;
  }

  /** The type {@code h} asks for: int8's scale per column or per tensor; fp16's and bf16's own. */
  private FactorType type(HparamView h) {
    return type == FactorType.INT8 && h.bool("int8_per_tensor", false) ? FactorType.INT8_PER_TENSOR : type;
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    return new NarrowParameters(type(h));
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return new NarrowCompressor(this, ((NarrowParameters) p).type());
  }

  @Override
  public ProductRule rule() {
    return new NarrowRule();
  }

  @Override
  public ValueCoder coder(HparamView h) {
    return new NarrowCoder(type(h));
  }

  @Override
  public Set<String> coderHparamKeys() {
    return hparamKeys();
  }

  @Override
  public Map<String, String> coderCliFlags() {
    return Map.of();
  }
}
