package org.matcomp.compressor.simhash;

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

/** graph_compression's option 2: W = R·sign(S)·diag(D) with a fixed random projection R. */
public final class SimhashMethod extends BaseMethod {
  public static final SimhashMethod INSTANCE = new SimhashMethod();

  private SimhashMethod() {
    super("simhash", OptionalInt.of(2), "R·sign(S)·diag(D): random projection R m×k, sign bits S k×n, column scales D",
        Set.of(),
        Map.of("--rank", "absolute_rank"));
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    return new SimhashParameters(SizeRule.of(h), h.seed());
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return SimhashCompressor.of((SimhashParameters) p);
  }

  @Override
  public ProductRule rule() {
    return new SimhashRule();
  }

  @Override
  public List<Map<String, String>> sweepPoints() {
    return java.util.stream.IntStream.of(1024, 512, 256).mapToObj(k -> Map.of("absolute_rank", Integer.toString(k)))
        .toList();
  }
}
