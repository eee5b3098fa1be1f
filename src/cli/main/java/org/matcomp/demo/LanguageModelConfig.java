package org.matcomp.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Optional;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.Method;
import org.matcomp.spec.Methods;

/** Settings of one n-gram language-model run; {@code spec} compresses the embedding table, empty for dense. */
public record LanguageModelConfig(int context, int embeddingDim, int hidden, long steps, int batchSize,
    float learningRate, long seed, Optional<CompressionSpec> spec, boolean progressBar) {
  public LanguageModelConfig {
    checkArgument(context > 0 && embeddingDim > 0 && hidden > 0, "sizes must be positive: context %s, dim %s, "
        + "hidden %s", context, embeddingDim, hidden);
    checkArgument(steps > 0 && batchSize > 0, "steps %s and batch size %s must be positive", steps, batchSize);
    checkArgument(learningRate > 0, "learning rate %s must be positive", learningRate);
  }

  public Method method() {
    return spec.map(CompressionSpec::method).orElse(Methods.NONE);
  }

  /**
   * The n-gram model's compression sizes, on top of a method's training defaults: low-rank rank 10 of the
   * 10000×64 table stores about what dictionary learning's 256 atoms × 4 nonzeros do (≈ 6.5×).
   */
  public static java.util.Map<String, String> compressionDefaults(org.matcomp.compressor.Method method) {
    if (method == org.matcomp.compressor.lowrank.LowRankMethod.INSTANCE) {
      return java.util.Map.of("absolute_rank", "10");
    }
    if (method == org.matcomp.compressor.dictionary.DictionaryMethod.INSTANCE) {
      return java.util.Map.of("dl_atoms", "256", "dl_nonzeros", "4");
    }
    return java.util.Map.of();
  }
}
