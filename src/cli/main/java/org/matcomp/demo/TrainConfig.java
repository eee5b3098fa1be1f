package org.matcomp.demo;

import static com.google.common.base.Preconditions.checkArgument;

import org.matcomp.demo.model.ClassifierArchitecture;
import java.util.Optional;
import java.util.regex.Pattern;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.Method;
import org.matcomp.spec.Methods;

/**
 * Settings of one classifier training run: the architecture (an MLP or the CNN) and how to train it. {@code spec} is empty for the dense baseline; {@code compressLayers}
 * selects the layers (by name) whose kernels are compressed; {@code export}, if present, receives the trained model as
 * a serving SavedModel; {@code prefix}, if present, holds the dense steps the runs of an experiment share.
 */
public record TrainConfig(ClassifierArchitecture architecture, long steps, int batchSize, float learningRate, long seed,
    Optional<CompressionSpec> spec, Pattern compressLayers, boolean progressBar, Optional<java.nio.file.Path> export,
    Optional<DensePrefix> prefix) {
  public TrainConfig {
    java.util.Objects.requireNonNull(architecture, "architecture");
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
