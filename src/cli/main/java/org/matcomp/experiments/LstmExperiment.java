package org.matcomp.experiments;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.matcomp.demo.DensePrefix;
import org.matcomp.demo.LstmConfig;
import org.matcomp.demo.LstmResult;
import org.matcomp.demo.LstmTraining;
import org.matcomp.demo.data.PennTreebank;
import org.matcomp.demo.model.LstmLanguageModel;
import org.matcomp.spec.CompressionSpec;

/**
 * The blog's PTB experiment: TensorFlow's PTB LSTM in its small configuration, the embedding table compressed, test
 * perplexity against the table's compression ratio. Compression begins when the learning rate starts to decay.
 */
public final class LstmExperiment implements ExperimentModel {
  private static final String LAYERS = "embedding";

  private final PennTreebank ptb;
  private final int epochs;
  private final int prefixEpochs;
  private final long seed;
  private final long epochSize;

  public LstmExperiment(PennTreebank ptb, int epochs, int prefixEpochs, long seed) {
    if (prefixEpochs < 1 || prefixEpochs >= epochs) {
      throw new IllegalArgumentException("--lstm-prefix-epochs " + prefixEpochs + " must be at least 1 and below"
          + " --lstm-epochs " + epochs);
    }
    this.ptb = ptb;
    this.epochs = epochs;
    this.prefixEpochs = prefixEpochs;
    this.seed = seed;
    // once: PennTreebank.train() copies the 929k-word stream, and the grid asks for the steps of every run
    LstmConfig c = config(Optional.empty(), null, false);
    this.epochSize = LstmTraining.epochSize(ptb.train().length, c.batchSize(), c.unrolledSteps());
  }

  @Override
  public String name() {
    return "ptb-lstm";
  }

  @Override
  public String title() {
    return "PTB LSTM (embedding compressed): test perplexity vs compression";
  }

  @Override
  public String metricName() {
    return "test perplexity";
  }

  @Override
  public String snapshotMetricName() {
    return "validation perplexity";
  }

  @Override
  public boolean higherIsBetter() {
    return false;
  }

  @Override
  public List<String> methods() {
    return List.of("lowrank", "dictionary", "simhash", "kmeans", "prune");
  }

  @Override
  public Map<String, int[]> matrices() {
    return Map.of("embedding", LstmLanguageModel.matrixShapes(vocabulary(), config(Optional.empty(), null, false)
        .units(), 2).get("embedding"));
  }

  @Override
  public long steps() {
    return epochSize * epochs;
  }

  @Override
  public long prefixSteps() {
    return epochSize * prefixEpochs;
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("configuration", "small");
    s.put("epochs", Integer.toString(epochs));
    s.put("dense_prefix_epochs", Integer.toString(prefixEpochs));
    s.put("layers", LAYERS);
    s.put("seed", Long.toString(seed));
    return s;
  }

  @Override
  public RunResult run(Optional<CompressionSpec> spec, DensePrefix prefix, boolean progress) throws IOException {
    LstmResult r = new LstmTraining(config(spec, prefix, progress), ptb.train(), ptb.valid(), ptb.test(),
        ptb.vocabularySize()).run();
    return new RunResult(r.testPerplexity(), r.densePerplexity(), r.report(), r.seconds());
  }

  private LstmConfig config(Optional<CompressionSpec> spec, DensePrefix prefix, boolean progress) {
    return LstmConfig.small(epochs, seed, spec, Pattern.compile(LAYERS), progress, Optional.ofNullable(prefix));
  }

  private int vocabulary() {
    return ptb.vocabularySize();
  }

}
