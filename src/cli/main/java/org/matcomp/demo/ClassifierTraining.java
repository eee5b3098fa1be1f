package org.matcomp.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.matcomp.data.Dataset;
import org.matcomp.demo.model.Mlp;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.MatrixCompression;
import org.matcomp.operator.Phase;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.LayerPattern;
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
import org.tensorflow.types.TInt64;
import org.matcomp.train.PhasedTrainer;

/**
 * Trains an {@link Mlp} classifier with Adam and softmax cross-entropy, compressing the selected kernels with the
 * host update path, and evaluates it on a test set: the main job of {@code matcomp train}.
 */
public final class ClassifierTraining {
  private static final int EVAL_BATCH = 1000;

  private final TrainConfig config;
  private final Dataset train;
  private final Dataset test;
  private final int classes;

  public ClassifierTraining(TrainConfig config, Dataset train, Dataset test, int classes) {
    this.config = config;
    this.train = train;
    this.test = test;
    this.classes = classes;
  }

  public TrainResult run() throws java.io.IOException {
    long start = System.nanoTime();
    int features = train.featureCount();
    int[] sizes = new int[config.hidden().length + 2];
    sizes[0] = features;
    System.arraycopy(config.hidden(), 0, sizes, 1, config.hidden().length);
    sizes[sizes.length - 1] = classes;

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, features)));
      Placeholder<TInt32> y = tf.withName("y").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Mlp mlp = Mlp.build(tf, sizes, config.seed(), (layer, kernel) -> compressIfSelected(tf, layer, kernel));
      Operand<TFloat32> oneHot = tf.oneHot(y, tf.constant(classes), tf.constant(1f), tf.constant(0f));
      PhasedTrainer trainer = new PhasedTrainer(g, tf, mlp.compressedMatrices(), mlp.uncompressedVariables(),
          phase -> tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(mlp.logits(tf, x, phase), oneHot).loss(),
              tf.constant(0)),
          (graph, name) -> new Adam(graph, name, config.learningRate()));
      Map<Phase, Operand<TInt64>> correct = new java.util.EnumMap<>(Phase.class);
      for (Phase p : Phase.values()) {
        Operand<TInt64> predicted = tf.math.argMax(mlp.logits(tf, x, p), tf.constant(1), TInt64.class);
        correct.put(p, tf.sum(tf.dtypes.cast(tf.math.equal(predicted, tf.dtypes.cast(y, TInt64.class)),
            TInt64.class), tf.constant(0)));
      }

      try (Session s = new Session(g)) {
        s.initialize();
        double[] denseAccuracy = {Double.NaN};
        Random rnd = new Random(config.seed() + 1);
        BatchSampler sampler = new BatchSampler(train.n(), config.batchSize(), rnd);
        float[] xb = new float[config.batchSize() * features];
        int[] yb = new int[config.batchSize()];
        TrainingLoop.Outcome outcome = TrainingLoop.run(s, trainer, mlp.compressedMatrices(), config.steps(),
            step -> {
              int[] idx = sampler.next();
              train.copyBatch(idx, xb, yb);
              return Map.of(x, TFloat32.tensorOf(Shape.of(idx.length, features), DataBuffers.of(xb, true, false)),
                  y, TInt32.tensorOf(Shape.of(idx.length), DataBuffers.of(yb, true, false)));
            },
            config.progressBar(), step -> denseAccuracy[0] = accuracy(s, x, y, correct.get(Phase.DENSE)));
        double acc = accuracy(s, x, y, correct.get(outcome.finalPhase()));
        if (config.export().isPresent()) {
          for (CompressedWeight m : mlp.compressedMatrices()) {
            // TrainCommand refuses such runs up front; a caller of this class that did not gets no export.
            checkArgument(m.phase(s) != Phase.BLENDING, "the run ended with %s mid-blend, reading A and its factors;"
                + " an export would be larger than the dense model: train until the schedule finishes", m.name());
          }
          ServingExport.export(config.export().get(), features, (target, input) -> mlp.exportLogits(target, s, input));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String specString = config.spec().map(CompressionSpec::toHparamString).orElse("");
        return new TrainResult(config.method().name(), specString, acc, denseAccuracy[0], mlp.report(s),
            mlp.biasParams(), config.steps(), seconds, outcome.finalPhase().name().toLowerCase(),
            outcome.lossCurve());
      }
    }
  }

  private Optional<CompressedWeight> compressIfSelected(Ops tf,
      String layer, org.tensorflow.op.core.Variable<TFloat32> kernel) {
    if (config.spec().isEmpty() || !LayerPattern.selects(config.compressLayers(), layer)) {
      return Optional.empty();
    }
    CompressionSpec spec = config.spec().get();
    return Optional.of(MatrixCompression.compress(tf, kernel, spec));
  }

  private double accuracy(Session s, Placeholder<TFloat32> x, Placeholder<TInt32> y, Operand<TInt64> correct) {
    long right = 0;
    int features = test.featureCount();
    for (int from = 0; from < test.n(); from += EVAL_BATCH) {
      int n = Math.min(EVAL_BATCH, test.n() - from);
      int[] idx = new int[n];
      for (int i = 0; i < n; i++) {
        idx[i] = from + i;
      }
      float[] xb = new float[n * features];
      int[] yb = new int[n];
      test.copyBatch(idx, xb, yb);
      try (TFloat32 xt = TFloat32.tensorOf(Shape.of(n, features), DataBuffers.of(xb, true, false));
          TInt32 yt = TInt32.tensorOf(Shape.of(n), DataBuffers.of(yb, true, false));
          var r = s.runner().feed(x, xt).feed(y, yt).fetch(correct).run()) {
        right += ((TInt64) r.get(0)).getLong();
      }
    }
    return (double) right / test.n();
  }

}
