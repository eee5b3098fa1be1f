package org.matcomp.compressor.mixedblock;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;

/** graph_compression's option 12: block matrices mixed by a learned k×k mixer. */
public final class MixedBlockMethod extends BaseMethod {
  public static final MixedBlockMethod INSTANCE = new MixedBlockMethod();

  private MixedBlockMethod() {
    super("mixed-block", OptionalInt.of(12), 
        "k diagonal blocks mixed by a small k×k mixer (a sum of bases), trained from scratch",
        Set.of("compression_factor", "num_bases"),
        Map.of("--blocks", "compression_factor"));
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    return new MixedBlockParameters(h.positiveInt("compression_factor", 1), h.positiveInt("num_bases", 1));
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return MixedBlockCompressor.of((MixedBlockParameters) p);
  }

  @Override
  public ProductRule rule() {
    return new MixedBlockRule();
  }

  @Override
  public boolean trainsFromScratch() {
    return true;
  }

  /** Four blocks: the reference's default factor 1 is one block, no compression at all. */
  @Override
  public Map<String, String> trainingDefaults(long steps) {
    return Map.of("compression_factor", "4");
  }
}
