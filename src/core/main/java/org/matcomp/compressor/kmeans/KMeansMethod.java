package org.matcomp.compressor.kmeans;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.CoderMethod;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;
import org.matcomp.compressor.ValueCoder;

/**
 * graph_compression's option 4: codebook[codes]: K codewords of 1×b blocks, one code a block (⌈log2 K⌉ bits: 1, 2, 4
 * or 8, int32 past 256).
 */
public final class KMeansMethod extends BaseMethod implements CoderMethod {
  public static final KMeansMethod INSTANCE = new KMeansMethod();

  private KMeansMethod() {
    super("kmeans", OptionalInt.of(4), 
        "codebook[codes]: K codewords of 1×b blocks, one code a block (⌈log2 K⌉ bits: 1, 2, 4 or 8; int32 past 256)",
        Set.of("num_clusters", "kmeans_init", "kmeans_zero_pin"),
        Map.of("--clusters", "absolute_rank", "--init", "kmeans_init"));
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    return new KMeansParameters(CodebookParameters.of(h), h.bool("kmeans_zero_pin", false));
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return KMeansCompressor.of((KMeansParameters) p);
  }

  @Override
  public ProductRule rule() {
    return new CodebookRule(false);
  }

  /** As a coder, clusters come from {@code num_clusters} (default 16), apart from the first method's sizes. */
  @Override
  public ValueCoder coder(HparamView h) {
    int k = h.positiveInt("num_clusters", CodebookCoder.DEFAULT_CLUSTERS);
    h.require(k <= 256, "num_clusters", k, "at most 256 when coding another method's factors");
    return new CodebookCoder(k, h.parsed("kmeans_init", CentroidInit.KMEANS_PLUS_PLUS, CentroidInit::parse), h.seed());
  }

  @Override
  public Set<String> coderHparamKeys() {
    return Set.of("num_clusters", "kmeans_init");
  }

  @Override
  public Map<String, String> coderCliFlags() {
    return Map.of("--clusters", "num_clusters", "--init", "kmeans_init");
  }

  @Override
  public List<Map<String, String>> sweepPoints() {
    return java.util.stream.IntStream.of(64, 16, 4, 2).mapToObj(k -> Map.of("absolute_rank", Integer.toString(k)))
        .toList();
  }
}
