package org.matcomp.spec;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;

/** The dense baseline: a spec that compresses nothing (train's {@code --method none}). */
final class NoCompression implements Method {
  static final NoCompression INSTANCE = new NoCompression();

  /** No settings. */
  record Parameters() implements MethodParameters {}

  private NoCompression() {}

  @Override
  public String name() {
    return "none";
  }

  @Override
  public OptionalInt optionCode() {
    return OptionalInt.empty();
  }

  @Override
  public String description() {
    return "no compression (the dense baseline)";
  }

  @Override
  public Set<String> hparamKeys() {
    return Set.of();
  }

  @Override
  public Map<String, String> cliFlags() {
    return Map.of();
  }

  @Override
  public MethodParameters parameters(HparamView hparams) {
    return new Parameters();
  }

  @Override
  public MatrixCompressor compressor(MethodParameters parameters) {
    throw new IllegalArgumentException("method none compresses nothing; choose one of " + Methods.names());
  }

  @Override
  public ProductRule rule() {
    throw new IllegalArgumentException("method none has no product rule: nothing is compressed");
  }

  @Override
  public String toString() {
    return name();
  }
}
