package org.matcomp.experiments;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.matcomp.demo.ClassifierTraining;
import org.matcomp.demo.DensePrefix;
import org.matcomp.demo.TrainConfig;
import org.matcomp.demo.TrainResult;
import org.matcomp.demo.data.FashionMnist;
import org.matcomp.demo.model.ClassifierArchitecture;
import org.matcomp.demo.model.Cnn;
import org.matcomp.spec.CompressionSpec;

/**
 * The blog's CIFAR-10 experiment on Fashion-MNIST (CIFAR-10 cannot be had here): the reference's CNN, its two fully
 * connected layers compressed, test accuracy against their compression ratio. Adam at 1e-3, batches of 128.
 */
public final class CnnExperiment implements ExperimentModel {
  private static final int BATCH = 128;
  private static final float LEARNING_RATE = 1e-3f;
  private static final String LAYERS = "fc1|fc2";

  private final ClassifierArchitecture architecture = Cnn.architecture(FashionMnist.IMAGE_SIDE,
      FashionMnist.CLASSES);
  private final FashionMnist data;
  private final long steps;
  private final long seed;

  public CnnExperiment(FashionMnist data, long steps, long seed) {
    if (steps < 10) {
      throw new IllegalArgumentException("--cnn-steps " + steps + " is too few: a run needs dense steps and"
          + " compressed steps");
    }
    this.data = data;
    this.steps = steps;
    this.seed = seed;
  }

  @Override
  public String name() {
    return "cnn";
  }

  @Override
  public String title() {
    return "Fashion-MNIST CNN (fc1, fc2 compressed): test accuracy vs compression";
  }

  @Override
  public String metricName() {
    return "test accuracy";
  }

  @Override
  public String snapshotMetricName() {
    return "test accuracy";
  }

  @Override
  public boolean higherIsBetter() {
    return true;
  }

  @Override
  public List<String> methods() {
    return List.of("lowrank", "simhash", "kmeans", "prune");
  }

  @Override
  public Map<String, int[]> matrices() {
    Map<String, int[]> m = new LinkedHashMap<>();
    architecture.matrixKernels().forEach((layer, shape) -> {
      if (Pattern.compile(LAYERS).matcher(layer).matches()) {
        m.put(layer + "_kernel", shape);
      }
    });
    return m;
  }

  @Override
  public long steps() {
    return steps;
  }

  /** Half the steps dense, as {@code train}'s 40 % but at a round step every run shares. */
  @Override
  public long prefixSteps() {
    return steps / 2;
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("steps", Long.toString(steps));
    s.put("dense_prefix_steps", Long.toString(prefixSteps()));
    s.put("batch_size", Integer.toString(BATCH));
    s.put("learning_rate", Float.toString(LEARNING_RATE));
    s.put("layers", LAYERS);
    s.put("seed", Long.toString(seed));
    return s;
  }

  @Override
  public RunResult run(Optional<CompressionSpec> spec, DensePrefix prefix, boolean progress) throws IOException {
    TrainConfig config = new TrainConfig(architecture, steps, BATCH, LEARNING_RATE, seed, spec,
        Pattern.compile(LAYERS), progress, Optional.empty(), Optional.of(prefix));
    TrainResult r = new ClassifierTraining(config, data.train(), data.test(), FashionMnist.CLASSES).run();
    return new RunResult(r.accuracy(), r.denseAccuracy(), r.report(), r.seconds());
  }
}
