package org.matcomp.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Optional;
import java.util.regex.Pattern;
import org.matcomp.compressor.Method;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.Methods;

/**
 * Settings of one PTB LSTM run; the defaults ({@link #small}) are TensorFlow's PTB tutorial's "small" configuration:
 * 2 layers of 200 units, 20 unrolled steps, batches of 20, SGD at learning rate 1 halved after each epoch from the
 * fifth, gradients clipped to global norm 5, 13 epochs. {@code spec} compresses the layers {@code compressLayers}
 * selects; empty for the dense model. {@code prefix}, counted in whole epochs, holds the dense epochs the runs of an
 * experiment share.
 */
public record LstmConfig(int units, int layers, int unrolledSteps, int batchSize, int epochs, int decayAfterEpochs,
    float learningRate, float decay, float clipNorm, long seed, Optional<CompressionSpec> spec,
    Pattern compressLayers, boolean progressBar, Optional<DensePrefix> prefix) {
  public LstmConfig {
    checkArgument(units > 0 && layers > 0 && unrolledSteps > 0 && batchSize > 0, "sizes must be positive: units %s,"
        + " layers %s, steps %s, batch %s", units, layers, unrolledSteps, batchSize);
    checkArgument(epochs > 0, "--epochs %s must be positive", epochs);
    checkArgument(decayAfterEpochs >= 0, "decay after %s epochs", decayAfterEpochs);
    checkArgument(learningRate > 0 && decay > 0 && decay <= 1 && clipNorm > 0, "learning rate %s, decay %s, clip %s",
        learningRate, decay, clipNorm);
    spec.ifPresent(s -> checkArgument(s.method() != Methods.NONE, "spec with method none"));
  }

  /** The tutorial's small configuration for {@code epochs} epochs (13 in the tutorial). */
  public static LstmConfig small(int epochs, long seed, Optional<CompressionSpec> spec, Pattern compressLayers,
      boolean progressBar, Optional<DensePrefix> prefix) {
    return new LstmConfig(200, 2, 20, 20, epochs, 4, 1.0f, 0.5f, 5f, seed, spec, compressLayers, progressBar,
        prefix);
  }

  /** The learning rate of epoch {@code epoch} (from 0): the tutorial's {@code lr · decay^max(epoch + 1 − 4, 0)}. */
  public float learningRate(int epoch) {
    return (float) (learningRate * Math.pow(decay, Math.max(epoch + 1 - decayAfterEpochs, 0)));
  }

  public Method method() {
    return spec.map(CompressionSpec::method).orElse(Methods.NONE);
  }
}
