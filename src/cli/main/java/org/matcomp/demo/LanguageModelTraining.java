package org.matcomp.demo;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.matcomp.demo.model.NgramLanguageModel;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.MatrixCompression;
import org.matcomp.operator.Phase;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.matcomp.train.PhasedTrainer;

/**
 * Trains an {@link NgramLanguageModel} on a token stream with its embedding table compressed during training, and
 * reports validation perplexity: {@code matcomp train --model ptb-lm}.
 */
public final class LanguageModelTraining {
  private static final int EVAL_BATCH = 1000;

  private final LanguageModelConfig config;
  private final int[] train;
  private final int[] valid;
  private final int vocabulary;

  public LanguageModelTraining(LanguageModelConfig config, int[] train, int[] valid, int vocabulary) {
    this.config = config;
    this.train = train.clone();
    this.valid = valid.clone();
    this.vocabulary = vocabulary;
  }

  public LanguageModelResult run() {
    long start = System.nanoTime();
    int c = config.context();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> contexts = tf.withName("contexts").placeholder(TInt32.class,
          Placeholder.shape(Shape.of(-1, c)));
      Placeholder<TInt32> next = tf.withName("next").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      NgramLanguageModel lm = NgramLanguageModel.build(tf, vocabulary, c, config.embeddingDim(), config.hidden(),
          config.seed(), (layer, table) -> compress(tf, table));
      Operand<TFloat32> oneHot = tf.oneHot(next, tf.constant(vocabulary), tf.constant(1f), tf.constant(0f));
      Map<Phase, Operand<TFloat32>> lossSums = new EnumMap<>(Phase.class);
      PhasedTrainer trainer = new PhasedTrainer(g, tf, lm.compressedMatrices(), lm.uncompressedVariables(),
          phase -> {
            Operand<TFloat32> ce = tf.nn.softmaxCrossEntropyWithLogits(lm.logits(tf, contexts, phase), oneHot).loss();
            lossSums.put(phase, tf.sum(ce, tf.constant(0)));
            return tf.math.mean(ce, tf.constant(0));
          },
          (graph, name) -> new Adam(graph, name, config.learningRate()));
      try (Session s = new Session(g)) {
        s.initialize();
        double[] densePerplexity = {Double.NaN};
        BatchSampler sampler = new BatchSampler(train.length - c, config.batchSize(), new Random(config.seed() + 1));
        int[] xb = new int[config.batchSize() * c];
        int[] yb = new int[config.batchSize()];
        TrainingLoop.Outcome outcome = TrainingLoop.run(s, trainer, lm.compressedMatrices(), config.steps(),
            step -> {
              int[] idx = sampler.next();
              for (int i = 0; i < idx.length; i++) {
                System.arraycopy(train, idx[i], xb, i * c, c);
                yb[i] = train[idx[i] + c];
              }
              return Map.of(contexts, TInt32.tensorOf(Shape.of(idx.length, c), DataBuffers.of(xb, true, false)),
                  next, TInt32.tensorOf(Shape.of(idx.length), DataBuffers.of(yb, true, false)));
            },
            config.progressBar(), step -> densePerplexity[0] = perplexity(s, contexts, next,
                lossSums.get(Phase.DENSE)));
        double ppl = perplexity(s, contexts, next, lossSums.get(outcome.finalPhase()));
        return new LanguageModelResult(config.method().name(),
            config.spec().map(CompressionSpec::toHparamString).orElse(""), ppl, densePerplexity[0], lm.report(s),
            config.steps(), (System.nanoTime() - start) / 1e9, outcome.finalPhase().name().toLowerCase(),
            outcome.lossCurve());
      }
    }
  }

  private Optional<CompressedWeight> compress(Ops tf, org.tensorflow.op.core.Variable<TFloat32> table) {
    return config.spec().map(spec -> MatrixCompression.compress(tf, table, spec));
  }

  /** exp(mean cross-entropy) over every position of the validation stream that has a full context. */
  private double perplexity(Session s, Placeholder<TInt32> contexts, Placeholder<TInt32> next,
      Operand<TFloat32> lossSum) {
    int c = config.context();
    int positions = valid.length - c;
    double total = 0;
    for (int from = 0; from < positions; from += EVAL_BATCH) {
      int n = Math.min(EVAL_BATCH, positions - from);
      int[] xb = new int[n * c];
      int[] yb = new int[n];
      for (int i = 0; i < n; i++) {
        System.arraycopy(valid, from + i, xb, i * c, c);
        yb[i] = valid[from + i + c];
      }
      try (TInt32 xt = TInt32.tensorOf(Shape.of(n, c), DataBuffers.of(xb, true, false));
          TInt32 yt = TInt32.tensorOf(Shape.of(n), DataBuffers.of(yb, true, false));
          var r = s.runner().feed(contexts, xt).feed(next, yt).fetch(lossSum).run()) {
        total += ((TFloat32) r.get(0)).getFloat();
      }
    }
    return Math.exp(total / positions);
  }
}
