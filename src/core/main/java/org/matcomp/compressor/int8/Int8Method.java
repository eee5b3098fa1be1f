package org.matcomp.compressor.int8;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.CoderMethod;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;
import org.matcomp.compressor.ValueCoder;

/** Symmetric 8-bit weights (not in graph_compression): W = q·scale, q in [−127, 127], a scale per column. */
public final class Int8Method extends BaseMethod implements CoderMethod {
  public static final Int8Method INSTANCE = new Int8Method();

  private Int8Method() {
    super("int8", OptionalInt.empty(),
        "q·scale: symmetric 8-bit weights, one scale per output column (or per tensor)",
        Set.of("int8_per_tensor"), Map.of());
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    return new Int8Parameters(h.bool("int8_per_tensor", false));
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return new Int8Compressor((Int8Parameters) p);
  }

  @Override
  public ProductRule rule() {
    return new Int8Rule();
  }

  @Override
  public ValueCoder coder(HparamView h) {
    return new Int8Coder(h.bool("int8_per_tensor", false));
  }

  @Override
  public Set<String> coderHparamKeys() {
    return Set.of("int8_per_tensor");
  }

  @Override
  public Map<String, String> coderCliFlags() {
    return Map.of();
  }
}
