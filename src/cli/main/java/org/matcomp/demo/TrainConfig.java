package org.matcomp.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.Method;
import org.matcomp.spec.Methods;

/**
 * Settings of one classifier training run. {@code spec} is empty for the dense baseline; {@code compressLayers}
 * selects the layers (by name) whose kernels are compressed; {@code export}, if present, receives the trained model as
 * a serving SavedModel.
 */
public record TrainConfig(int[] hidden, long steps, int batchSize, float learningRate, long seed,
    Optional<CompressionSpec> spec, Pattern compressLayers, boolean progressBar, Optional<java.nio.file.Path> export) {
  public TrainConfig {
    hidden = hidden.clone();
    checkArgument(hidden.length >= 1, "need at least one hidden layer");
    Arrays.stream(hidden).forEach(h -> checkArgument(h > 0, "hidden size %s must be positive", h));
    checkArgument(steps > 0, "steps=%s must be positive", steps);
    checkArgument(batchSize > 0, "batch size %s must be positive", batchSize);
    checkArgument(learningRate > 0 && Float.isFinite(learningRate), "learning rate %s must be positive",
        learningRate);
    spec.ifPresent(s -> checkArgument(s.method() != Methods.NONE, "spec with method none"));
  }

  public Method method() {
    return spec.map(CompressionSpec::method).orElse(Methods.NONE);
  }
}
