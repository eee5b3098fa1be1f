package org.matcomp.compressor.blockdiagonal;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;

/** graph_compression's option 10: block-diagonal W, its k diagonal blocks stored. */
public final class BlockDiagonalMethod extends BaseMethod {
  public static final BlockDiagonalMethod INSTANCE = new BlockDiagonalMethod();

  private BlockDiagonalMethod() {
    super("block", OptionalInt.of(10), "the diagonal blocks of a block-diagonal matrix, trained from scratch",
        Set.of("block_compression_factor", "block_method"),
        Map.of("--blocks", "block_compression_factor"));
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    String blockMethod = h.text("block_method", "loop");
    h.require(blockMethod.equals("loop") || blockMethod.equals("mask"), "block_method", blockMethod, "'loop' or 'mask'");
    return new BlockDiagonalParameters(h.positiveInt("block_compression_factor", 1));
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return BlockDiagonalCompressor.of((BlockDiagonalParameters) p);
  }

  @Override
  public ProductRule rule() {
    return new BlockDiagonalRule();
  }

  @Override
  public boolean trainsFromScratch() {
    return true;
  }

  /** Four blocks: the reference's default factor 1 is one block, no compression at all. */
  @Override
  public Map<String, String> trainingDefaults(long steps) {
    return Map.of("block_compression_factor", "4");
  }
}
