package org.matcomp.compressor.inputoutput;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;

/** graph_compression's option 9: inputs projected by shared block matrices, a core, outputs expanded. */
public final class InputOutputMethod extends BaseMethod {
  public static final InputOutputMethod INSTANCE = new InputOutputMethod();

  private InputOutputMethod() {
    super("input-output", OptionalInt.of(9), "small input/output block projections around a core, trained from scratch",
        Set.of("compress_input", "input_block_size", "input_compression_factor", "compress_output", "output_block_size",
        "output_compression_factor"),
        Map.of("--blocks", "input_compression_factor"));
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    InputOutputParameters p = new InputOutputParameters(h.bool("compress_input", true), h.positiveInt("input_block_size", 32),
        h.positiveInt("input_compression_factor", 1), h.bool("compress_output", false),
        h.positiveInt("output_block_size", 1), h.positiveInt("output_compression_factor", 1));
    InputOutputCompressor.of(p, h.where()); // the sides' sizes must fit each other: checked now, named as hparams
    return p;
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return InputOutputCompressor.of((InputOutputParameters) p);
  }

  @Override
  public ProductRule rule() {
    return new InputOutputRule();
  }

  @Override
  public boolean trainsFromScratch() {
    return true;
  }

  @Override
  public Map<String, String> trainingDefaults(long steps) {
    return Map.of("input_block_size", "16", "input_compression_factor", "4");
  }
}
