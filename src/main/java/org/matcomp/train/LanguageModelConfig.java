package org.matcomp.train;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Optional;
import org.matcomp.spec.CompressionMethod;
import org.matcomp.spec.CompressionSpec;

/** Settings of one n-gram language-model run; {@code spec} compresses the embedding table, empty for dense. */
public record LanguageModelConfig(int context, int embeddingDim, int hidden, long steps, int batchSize,
    float learningRate, long seed, Optional<CompressionSpec> spec, boolean progressBar) {
  public LanguageModelConfig {
    checkArgument(context > 0 && embeddingDim > 0 && hidden > 0, "sizes must be positive: context %s, dim %s, "
        + "hidden %s", context, embeddingDim, hidden);
    checkArgument(steps > 0 && batchSize > 0, "steps %s and batch size %s must be positive", steps, batchSize);
    checkArgument(learningRate > 0, "learning rate %s must be positive", learningRate);
  }

  public CompressionMethod method() {
    return spec.map(CompressionSpec::method).orElse(CompressionMethod.NONE);
  }
}
