package org.matcomp.compressor.kmeans;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;

/** graph_compression's option 8: codebook[codes] ⊙ mask: k-means over the kept entries, pruned ones exactly 0. */
public final class KMeansPruneMethod extends BaseMethod {
  public static final KMeansPruneMethod INSTANCE = new KMeansPruneMethod();

  private KMeansPruneMethod() {
    super("kmeans-prune", OptionalInt.of(8), 
        "codebook[codes] ⊙ mask: k-means over the kept entries, pruned ones exactly 0",
        Set.of("num_clusters", "kmeans_init", "pruning_fraction"),
        Map.of("--clusters", "absolute_rank", "--init", "kmeans_init", "--sparsity", "pruning_fraction"));
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    return new KMeansPruneParameters(CodebookParameters.of(h),
        h.fraction("pruning_fraction", KMeansPruneCompressor.DEFAULT_PRUNING_FRACTION));
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return KMeansPruneCompressor.of((KMeansPruneParameters) p);
  }

  @Override
  public ProductRule rule() {
    return new CodebookRule(true);
  }
}
