package org.matcomp.experiments;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.matcomp.demo.DensePrefix;
import org.matcomp.spec.CompressionSpec;

/**
 * One of the blog's two experiments: a model trained in TF Java with some of its matrices compressed by the
 * operator, measured by one metric. Every run of an experiment has the same seed and steps and shares the dense
 * steps before compression begins ({@link DensePrefix}).
 */
public interface ExperimentModel {
  /** The name on the command line and in results: {@code cnn}, {@code ptb-lstm}. */
  String name();

  /** The plot's title. */
  String title();

  /** What {@link RunResult#metric} is: "test accuracy", "test perplexity". */
  String metricName();

  /** What {@link RunResult#metricBeforeCompression} is (the LM measures its validation set there). */
  String snapshotMetricName();

  boolean higherIsBetter();

  /** The methods this experiment compares by default, and the only ones it accepts. */
  List<String> methods();

  /** The compressed matrices, by the name each has in the graph, with their shapes. */
  Map<String, int[]> matrices();

  /** The steps of a run, and the dense steps they share (compression begins at the step after). */
  long steps();

  long prefixSteps();

  /** The seed of the weights, the batches and the methods' random choices. */
  long seed();

  /** What fixes a run's outcome besides its method and size: a resumed experiment must have the same. */
  Map<String, String> settings();

  /** Trains and measures one run: dense when {@code spec} is empty. */
  RunResult run(Optional<CompressionSpec> spec, DensePrefix prefix, boolean progress) throws IOException;
}
