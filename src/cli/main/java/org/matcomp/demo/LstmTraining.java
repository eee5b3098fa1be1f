package org.matcomp.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import org.matcomp.demo.model.LstmLanguageModel;
import org.matcomp.operator.Phase;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.train.ClippedSgd;
import org.matcomp.train.PhasedTrainer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains the {@link LstmLanguageModel} on PTB as TensorFlow's tutorial does — the training stream cut into
 * {@code batch} parallel rows, read {@code steps} words at a time, each batch starting from the state the previous
 * one ended in (zero at each epoch's start), loss summed over the steps and averaged over the batch — with the
 * selected matrices compressed by the operator, and reports validation and test perplexity: {@code matcomp train
 * --model ptb-lstm}. Evaluation reads the validation and test streams the same way (the tutorial tests with batches
 * of one word; with the state carried, only the first word of each of the 20 rows lacks its history).
 */
public final class LstmTraining {
  private final LstmConfig config;
  private final int[] train;
  private final int[] valid;
  private final int[] test;
  private final int vocabulary;

  public LstmTraining(LstmConfig config, int[] train, int[] valid, int[] test, int vocabulary) {
    this.config = config;
    this.train = train.clone();
    this.valid = valid.clone();
    this.test = test.clone();
    this.vocabulary = vocabulary;
  }

  /** Steps in one epoch: the tutorial's {@code (len / batch − 1) / steps}. */
  public static long epochSize(int words, int batchSize, int unrolledSteps) {
    return (words / batchSize - 1) / unrolledSteps;
  }

  public long epochSize() {
    return epochSize(train.length, config.batchSize(), config.unrolledSteps());
  }

  /** The graph's inputs and per-phase outputs. */
  private record Graphs(Placeholder<TInt32> words, Placeholder<TInt32> targets, Placeholder<TFloat32> learningRate,
      List<Placeholder<TFloat32>> initial, Map<Phase, Operand<TFloat32>> cost,
      Map<Phase, List<Operand<TFloat32>>> finalStates) {}

  public LstmResult run() throws IOException {
    long start = System.nanoTime();
    long epochSize = epochSize();
    long totalSteps = epochSize * config.epochs();
    int b = config.batchSize();
    int t = config.unrolledSteps();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> words = tf.withName("words").placeholder(TInt32.class, Placeholder.shape(Shape.of(b, t)));
      Placeholder<TInt32> targets = tf.withName("targets").placeholder(TInt32.class,
          Placeholder.shape(Shape.of(b, t)));
      Placeholder<TFloat32> lr = tf.withName("learning_rate").placeholder(TFloat32.class,
          Placeholder.shape(Shape.scalar()));
      LstmLanguageModel lm = LstmLanguageModel.build(tf, vocabulary, config.units(), config.layers(), config.seed(),
          (layer, matrix) -> SelectedCompression.of(tf, config.spec(), config.compressLayers(), layer, matrix));
      List<Placeholder<TFloat32>> initial = new ArrayList<>();
      List<LstmLanguageModel.State> states = new ArrayList<>();
      for (int l = 1; l <= config.layers(); l++) {
        Placeholder<TFloat32> c = tf.withName("c" + l).placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(b, config.units())));
        Placeholder<TFloat32> h = tf.withName("h" + l).placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(b, config.units())));
        initial.add(c);
        initial.add(h);
        states.add(new LstmLanguageModel.State(c, h));
      }
      Map<Phase, Operand<TFloat32>> cost = new EnumMap<>(Phase.class);
      Map<Phase, List<Operand<TFloat32>>> finals = new EnumMap<>(Phase.class);
      PhasedTrainer trainer = new PhasedTrainer(g, tf, lm.compressedMatrices(), lm.uncompressedVariables(),
          phase -> {
            LstmLanguageModel.Forward f = lm.forward(tf, words, t, states, phase);
            // TF Java has no C++ gradient for the sparse form: one-hot targets, [batch·steps, vocabulary]
            Operand<TFloat32> ce = tf.nn.softmaxCrossEntropyWithLogits(f.logits(),
                tf.oneHot(tf.reshape(targets, tf.constant(new int[] {-1})), tf.constant(vocabulary),
                    tf.constant(1f), tf.constant(0f))).loss();
            // the tutorial's cost: the loss summed over the unrolled steps, averaged over the batch
            Operand<TFloat32> c = tf.math.div(tf.sum(ce, tf.constant(0)), tf.constant((float) b));
            cost.put(phase, c);
            List<Operand<TFloat32>> fs = new ArrayList<>();
            f.finalStates().forEach(s -> {
              fs.add(s.c());
              fs.add(s.h());
            });
            finals.put(phase, fs);
            return c;
          },
          (graph, name) -> new ClippedSgd(graph, name, lr, config.clipNorm()));
      Graphs graphs = new Graphs(words, targets, lr, initial, cost, finals);
      try (Session s = new Session(g)) {
        s.initialize();
        List<Variable<TFloat32>> weights = new ArrayList<>(lm.uncompressedVariables());
        lm.compressedMatrices().forEach(m -> weights.add(m.dense()));
        long first = 0;
        Optional<DensePrefix> prefix = config.prefix();
        if (prefix.isPresent()) {
          long firstUpdate = trainer.firstUpdateStep();
          checkArgument(prefix.get().steps() % epochSize == 0, "a dense prefix of %s steps is not whole epochs of %s",
              prefix.get().steps(), epochSize);
          checkArgument(firstUpdate < 0 || prefix.get().steps() <= firstUpdate, "the dense prefix's %s steps"
              + " pass the first compression update at step %s", prefix.get().steps(), firstUpdate);
          if (prefix.get().stored()) {
            prefix.get().load(s, tf, weights);
            first = prefix.get().steps();
          }
        }
        long firstUpdate = trainer.firstUpdateStep();
        double densePerplexity = Double.NaN;
        List<Double> validPerEpoch = new ArrayList<>();
        try (ProgressBar bar = config.progressBar() ? TrainingLoop.bar(totalSteps) : null) {
          if (bar != null) {
            bar.stepTo(first);
          }
          for (int epoch = (int) (first / epochSize); epoch < config.epochs(); epoch++) {
            float[][] state = zeroState();
            float rate = config.learningRate(epoch);
            double costSum = 0;
            for (long i = 0; i < epochSize; i++) {
              long step = epoch * epochSize + i;
              ClassifierTraining.storePrefix(prefix, step, s, weights);
              if (step == firstUpdate) {
                densePerplexity = perplexity(s, graphs, valid, Phase.DENSE);
              }
              Map<org.tensorflow.Operand<?>, Tensor> feeds = feeds(graphs, train, i, state);
              feeds.put(lr, TFloat32.scalarOf(rate));
              float[][] next = state;
              try {
                PhasedTrainer.StepResult r = trainer.step(s, step, feeds, true, finals::get,
                    fetched -> copyState(fetched, next));
                costSum += r.loss();
              } finally {
                feeds.values().forEach(Tensor::close);
              }
              if (bar != null && ((i + 1) % TrainingLoop.REPORT_EVERY == 0 || i + 1 == epochSize)) {
                bar.stepTo(step + 1);
                bar.setExtraMessage(String.format(" epoch %d lr %.3g train ppl %.1f %s", epoch + 1, rate,
                    Math.exp(costSum / ((i + 1) * t)), trainer.phase(s).name().toLowerCase()));
              }
            }
            validPerEpoch.add(perplexity(s, graphs, valid, trainer.phase(s)));
          }
        }
        Phase phase = trainer.phase(s);
        double testPpl = perplexity(s, graphs, test, phase);
        return new LstmResult(config.method().name(), config.spec().map(CompressionSpec::toHparamString).orElse(""),
            testPpl, validPerEpoch.isEmpty() ? Double.NaN : validPerEpoch.get(validPerEpoch.size() - 1),
            densePerplexity, validPerEpoch, lm.report(s), totalSteps, (System.nanoTime() - start) / 1e9,
            phase.name().toLowerCase());
      }
    }
  }

  private float[][] zeroState() {
    float[][] state = new float[2 * config.layers()][];
    for (int i = 0; i < state.length; i++) {
      state[i] = new float[config.batchSize() * config.units()];
    }
    return state;
  }

  private static void copyState(List<Tensor> fetched, float[][] into) {
    for (int i = 0; i < into.length; i++) {
      ((TFloat32) fetched.get(i)).copyTo(DataBuffers.of(into[i], false, false));
    }
  }

  /** The feeds of batch {@code i} of {@code data} (as the tutorial's producer cuts it) from {@code state}. */
  private Map<org.tensorflow.Operand<?>, Tensor> feeds(Graphs graphs, int[] data, long i, float[][] state) {
    int b = config.batchSize();
    int t = config.unrolledSteps();
    int rowLength = data.length / b;
    int[] x = new int[b * t];
    int[] y = new int[b * t];
    for (int row = 0; row < b; row++) {
      int from = (int) (row * rowLength + i * t);
      System.arraycopy(data, from, x, row * t, t);
      System.arraycopy(data, from + 1, y, row * t, t);
    }
    Map<org.tensorflow.Operand<?>, Tensor> feeds = new java.util.HashMap<>();
    feeds.put(graphs.words(), TInt32.tensorOf(Shape.of(b, t), DataBuffers.of(x, true, false)));
    feeds.put(graphs.targets(), TInt32.tensorOf(Shape.of(b, t), DataBuffers.of(y, true, false)));
    for (int k = 0; k < state.length; k++) {
      feeds.put(graphs.initial().get(k), TFloat32.tensorOf(Shape.of(b, config.units()),
          DataBuffers.of(state[k], true, false)));
    }
    return feeds;
  }

  /** exp(mean cross-entropy per word) over {@code data}, read as training reads it, the model in {@code phase}. */
  private double perplexity(Session s, Graphs graphs, int[] data, Phase phase) {
    long batches = epochSize(data.length, config.batchSize(), config.unrolledSteps());
    float[][] state = zeroState();
    double sum = 0;
    for (long i = 0; i < batches; i++) {
      Map<org.tensorflow.Operand<?>, Tensor> feeds = feeds(graphs, data, i, state);
      try {
        Session.Runner runner = s.runner();
        feeds.forEach(runner::feed);
        graphs.finalStates().get(phase).forEach(runner::fetch);
        runner.fetch(graphs.cost().get(phase));
        try (var r = runner.run()) {
          List<Tensor> fetched = new ArrayList<>();
          for (int k = 0; k < state.length; k++) {
            fetched.add(r.get(k));
          }
          copyState(fetched, state);
          sum += ((TFloat32) r.get(state.length)).getFloat();
        }
      } finally {
        feeds.values().forEach(Tensor::close);
      }
    }
    return Math.exp(sum / (batches * config.unrolledSteps()));
  }
}
