package org.matcomp.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Map;
import java.util.Optional;
import java.util.List;
import org.matcomp.cluster.PlacedAdam;
import org.matcomp.cluster.Replica;
import org.matcomp.cluster.ReplicaTraining;
import org.matcomp.cluster.ReplicatedModel;
import org.matcomp.cluster.SyncReplicas;
import org.matcomp.cluster.Updates;
import org.matcomp.cluster.VariablePlacement;
import org.matcomp.data.Dataset;
import org.matcomp.demo.model.Classifier;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.Phase;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.matcomp.train.GradientAggregation;
import org.matcomp.train.PhasedTrainer;

/**
 * Trains a {@link Classifier} (the MLP or the CNN) with Adam and softmax cross-entropy, compressing the selected kernels with the
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

  /** Trains in this process. */
  public TrainResult run() throws java.io.IOException {
    return run(null).orElseThrow();
  }

  /**
   * Trains as one replica of a cluster: every replica builds the same graph with its variables on the parameter
   * servers ({@link ReplicaTraining}); the chief alone evaluates, exports and returns the result, the others return
   * empty.
   */
  public Optional<TrainResult> runReplica(Replica replica) throws java.io.IOException {
    return run(java.util.Objects.requireNonNull(replica, "replica"));
  }

  private Optional<TrainResult> run(Replica replica) throws java.io.IOException {
    long start = System.nanoTime();
    int features = train.featureCount();
    VariablePlacement placement = replica == null ? VariablePlacement.local()
        : replica.placement(config.architecture().layerBytes());

    Graph g = new Graph();
    boolean closeGraph = true;
    try {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, features)));
      Placeholder<TInt32> y = tf.withName("y").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Classifier model = config.architecture().build(layer -> placement.forVariable(tf, layer), config.seed(),
          (layer, kernel) -> SelectedCompression.of(placement.forVariable(tf, layer), config.spec(),
              config.compressLayers(), layer, kernel));
      Operand<TFloat32> oneHot = tf.oneHot(y, tf.constant(classes), tf.constant(1f), tf.constant(0f));
      java.util.function.Function<Phase, Operand<TFloat32>> loss = phase -> tf.math.mean(
          tf.nn.softmaxCrossEntropyWithLogits(model.logits(tf, x, phase), oneHot).loss(), tf.constant(0));
      SyncReplicas sync = replica != null && replica.updates() == Updates.SYNCHRONOUS
          ? new SyncReplicas(g, replica.count(), placement.forTrainerState(tf)) : null;
      // On a cluster the optimizer's powers must live on a ps (PlacedAdam); one process keeps the framework's Adam,
      // with which the README's numbers were measured.
      PhasedTrainer trainer = replica == null
          ? new PhasedTrainer(g, tf, model.compressedMatrices(), model.uncompressedVariables(), loss,
              (graph, name) -> new Adam(graph, name, config.learningRate()))
          : new PhasedTrainer(g, tf, model.compressedMatrices(), model.uncompressedVariables(), loss,
              (graph, name) -> new PlacedAdam(graph, name, config.learningRate(), placement.forTrainerState(tf)),
              placement.forTrainerState(tf), sync == null ? GradientAggregation.LOCAL : sync);
      Map<Phase, Operand<TInt64>> correct = new java.util.EnumMap<>(Phase.class);
      for (Phase p : Phase.values()) {
        Operand<TInt64> predicted = tf.math.argMax(model.logits(tf, x, p), tf.constant(1), TInt64.class);
        correct.put(p, tf.sum(tf.dtypes.cast(tf.math.equal(predicted, tf.dtypes.cast(y, TInt64.class)),
            TInt64.class), tf.constant(0)));
      }

      double[] denseAccuracy = {Double.NaN};
      Result result = (session, outcome) -> finish(session, outcome, model, x, y, correct, denseAccuracy[0], start);
      if (replica == null) {
        try (Session s = new Session(g)) {
          s.initialize();
          List<org.tensorflow.op.core.Variable<TFloat32>> weights = new java.util.ArrayList<>(
              model.uncompressedVariables());
          model.compressedMatrices().forEach(m -> weights.add(m.dense()));
          long first = 0;
          Optional<DensePrefix> prefix = config.prefix();
          if (prefix.isPresent()) {
            long firstUpdate = trainer.firstUpdateStep();
            checkArgument(firstUpdate < 0 || prefix.get().steps() <= firstUpdate, "the dense prefix's %s steps"
                + " pass the first compression update at step %s", prefix.get().steps(), firstUpdate);
            if (prefix.get().stored()) {
              prefix.get().load(s, tf, weights);
              first = prefix.get().steps();
            }
          }
          // step k trains the sampler's k-th batch, also in a run that starts from a stored prefix
          BatchesByStep batches = new BatchesByStep(train.n(), config.batchSize(), config.seed() + 1);
          TrainingLoop.Outcome outcome = TrainingLoop.run(s, trainer, model.compressedMatrices(), first,
              config.steps(), step -> feeds(x, y, batches.at(step, 0, 1)), config.progressBar(),
              step -> denseAccuracy[0] = accuracy(s, x, y, correct.get(Phase.DENSE)),
              step -> storePrefix(prefix, step, s, weights));
          return Optional.of(result.of(s, outcome));
        }
      }
      BatchesByStep batches = new BatchesByStep(train.n(), config.batchSize(), config.seed() + 1);
      ReplicatedModel replicated = new ReplicatedModel() {
        @Override
        public Graph graph() {
          return g;
        }

        @Override
        public PhasedTrainer trainer() {
          return trainer;
        }

        @Override
        public SyncReplicas sync() {
          return sync;
        }

        @Override
        public Map<Operand<?>, Tensor> feeds(long step, int part, int parts, List<Tensor> open) {
          Map<Operand<?>, Tensor> f = ClassifierTraining.this.feeds(x, y, batches.at(step, part, parts));
          open.addAll(f.values());
          return f;
        }
      };
      ReplicaTraining cluster = new ReplicaTraining(replica, replicated, placement, System.err::println);
      cluster.connect();
      if (replica.isChief()) {
        cluster.startOthers();
      }
      LossCurve curve = new LossCurve(config.steps(), replica.isChief() && config.progressBar());
      try {
        cluster.train(config.steps(), curve, () -> denseAccuracy[0] = accuracy(cluster.session(), x, y,
            correct.get(Phase.DENSE)));
      } finally {
        curve.close();
        closeGraph = !cluster.abandonedAny();
      }
      System.err.println("task " + replica.task() + " trained " + curve.steps() + " of the " + config.steps()
          + " steps");
      try (Session s = cluster.session()) {
        return replica.isChief() ? Optional.of(result.of(s, curve.outcome(trainer.phase(s)))) : Optional.empty();
      }
    } catch (RuntimeException | Error e) {
      closeGraph = replica == null;
      throw e;
    } finally {
      // a session given up after a lost cluster still holds the graph, whose close would wait for it forever
      if (closeGraph) {
        g.close();
      }
    }
  }

  /** Stores the prefix at its last step, if this run is the one that trains it. */
  static void storePrefix(Optional<DensePrefix> prefix, long step, Session s,
      List<org.tensorflow.op.core.Variable<TFloat32>> weights) {
    if (prefix.isEmpty() || prefix.get().steps() != step || prefix.get().stored()) {
      return;
    }
    try {
      prefix.get().store(s, weights);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The result of a run from its trained session. */
  @FunctionalInterface
  private interface Result {
    TrainResult of(Session s, TrainingLoop.Outcome outcome) throws java.io.IOException;
  }

  /** Evaluates the trained model, exports it when asked, and reports. */
  private TrainResult finish(Session s, TrainingLoop.Outcome outcome, Classifier model, Placeholder<TFloat32> x,
      Placeholder<TInt32> y, Map<Phase, Operand<TInt64>> correct, double denseAccuracy, long start)
      throws java.io.IOException {
    double acc = accuracy(s, x, y, correct.get(outcome.finalPhase()));
    if (config.export().isPresent()) {
      for (CompressedWeight m : model.compressedMatrices()) {
        // TrainCommand refuses such runs up front; a caller of this class that did not gets no export.
        checkArgument(m.phase(s) != Phase.BLENDING, "the run ended with %s mid-blend, reading A and its factors;"
            + " an export would be larger than the dense model: train until the schedule finishes", m.name());
      }
      ServingExport.export(config.export().get(), train.featureCount(),
          (target, input) -> model.exportLogits(target, s, input));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String specString = config.spec().map(CompressionSpec::toHparamString).orElse("");
    return new TrainResult(config.method().name(), specString, acc, denseAccuracy, model.report(s), model.biasParams(),
        config.steps(), seconds, outcome.finalPhase().name().toLowerCase(), outcome.lossCurve());
  }

  /** The feeds of the examples {@code idx} of the training set. */
  private Map<Operand<?>, Tensor> feeds(Placeholder<TFloat32> x, Placeholder<TInt32> y, int[] idx) {
    int features = train.featureCount();
    float[] xb = new float[idx.length * features];
    int[] yb = new int[idx.length];
    train.copyBatch(idx, xb, yb);
    return Map.of(x, TFloat32.tensorOf(Shape.of(idx.length, features), DataBuffers.of(xb, true, false)),
        y, TInt32.tensorOf(Shape.of(idx.length), DataBuffers.of(yb, true, false)));
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
