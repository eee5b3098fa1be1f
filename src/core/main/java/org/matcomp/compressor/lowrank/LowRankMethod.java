package org.matcomp.compressor.lowrank;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.SizeRule;
import org.matcomp.compressor.ProductRule;

/** graph_compression's option 1: A ≈ B·C by truncated SVD. */
public final class LowRankMethod extends BaseMethod {
  public static final LowRankMethod INSTANCE = new LowRankMethod();

  private LowRankMethod() {
    super("lowrank", OptionalInt.of(1), "B·C, B m×r and C r×n (truncated SVD)",
        Set.of(),
        Map.of("--rank", "absolute_rank"));
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    return new LowRankParameters(SizeRule.of(h), h.seed());
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return LowRankCompressor.of((LowRankParameters) p);
  }

  @Override
  public ProductRule rule() {
    return new LowRankRule();
  }

  /** Rank 48: the reference's default rank 7 is a percentage that keeps the full rank, compressing nothing. */
  @Override
  public Map<String, String> trainingDefaults(long steps) {
    return Map.of("absolute_rank", "48");
  }

  @Override
  public List<Map<String, String>> sweepPoints() {
    return java.util.stream.IntStream.of(128, 64, 32, 16, 8)
        .mapToObj(r -> Map.of("absolute_rank", Integer.toString(r))).toList();
  }
}
