package org.matcomp.savedmodel.finetune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.matcomp.cluster.Replica;
import org.matcomp.cluster.ReplicaTraining;
import org.matcomp.cluster.ReplicatedModel;
import org.matcomp.cluster.SyncReplicas;
import org.matcomp.cluster.Updates;
import org.matcomp.cluster.VariablePlacement;
import org.matcomp.compressor.Factorization;
import org.matcomp.io.WorkDirectory;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.Phase;
import org.matcomp.operator.ScheduleForecast;
import org.matcomp.savedmodel.CompressedForms;
import org.matcomp.savedmodel.SavedModelCompressor;
import org.matcomp.savedmodel.MatrixOutcome;
import org.matcomp.savedmodel.export.OutputDirectory;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.export.VariableReader;
import org.matcomp.savedmodel.rewrite.InferenceForm;
import org.matcomp.savedmodel.rewrite.InferenceForms;
import org.matcomp.savedmodel.rewrite.Replacement;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.WeightMatrix;
import org.matcomp.savedmodel.serving.LatencyProbe;
import org.matcomp.savedmodel.serving.ServingLatency;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.CompressionPlan;
import org.matcomp.spec.LayerPattern;
import org.matcomp.spec.UpdateOption;
import org.matcomp.train.PhasedTrainer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;

/**
 * {@code matcomp finetune}: compression with training on a SavedModel. The signature's graph becomes a trainable
 * graph ({@link FlatGraph}, {@link FineTuneGraph}); each chosen weight gets the compression operator with its
 * schedule — the graph reads A, then αA + (1−α)B⊗C while α falls, then B⊗C alone — and the model trains on the
 * user's data throughout; the export has {@code compress}'s stock-op form, checked against the trained graph before
 * it appears in one move. MODEL_DIR is only read.
 */
public final class SavedModelFineTuner {
  /** The export's outputs may differ from the trained graph's by float rounding, not more. */
  private static final double EXPORT_TOLERANCE = 1e-4;

  private SavedModelFineTuner() {}

  /**
   * The schedule for {@code steps} unless the user says otherwise: the dense model trains for the first 30 % of the
   * steps, 20 host updates take α from 1 to 0 by 70 %, and the factors train alone after that.
   */
  public static CompressionSpec.Builder scheduleDefaults(long steps) {
    long begin = Math.max(1, steps * 3 / 10);
    return CompressionSpec.builder().name("finetune").beginCompressionStep(begin).endCompressionStep(-1)
        .compressionFrequency(Math.max(1, (steps * 7 / 10 - begin) / 20)).alphaDecrementValue(0.05)
        .updateOption(UpdateOption.HOST);
  }

  /** What a run knows before it loads the model: everything checked, the weights chosen, the data read. */
  record Plan(SavedModelDirectory dir, ServingGraph graph, SignatureDef signature, TrainedOutput output,
      FlatGraph flat, Map<String, WeightMatrix> chosen, Map<String, CompressionSpec> specs,
      List<MatrixOutcome> outcomes, TrainingData train, TrainingData eval) {}

  static Plan plan(FineTuneOptions o, Path trainData, Path evalData) throws IOException {
    SavedModelDirectory dir = SavedModelDirectory.open(o.modelDir(), o.tag());
    ServingGraph graph = ServingGraph.of(dir);
    SignatureDef signature = graph.signature(o.signature());
    TrainedOutput output = TrainedOutput.choose(signature, o.output());
    ScheduleForecast forecast = ScheduleForecast.of(o.spec(), o.steps());
    if (!forecast.complete()) {
      throw new IllegalArgumentException("--steps " + o.steps() + " is too short for the compression schedule: "
          + forecast.description() + (forecast.stepsNeeded() > 0 ? "; raise --steps to at least "
          + forecast.stepsNeeded() : "") + " or change it with --spec");
    }
    if (o.plan().isPresent() && o.layers().isPresent()) {
      throw new IllegalArgumentException("--layers and --plan both select matrices; put the regex in the plan");
    }
    if (o.plan().isEmpty()) {
      formOf(o.spec());
    } else {
      o.plan().get().entries().forEach(e -> formOf(e.spec()));
    }
    FlatGraph flat = FlatGraph.of(graph, o.signature());
    flat.whyNotTrainable().ifPresent(why -> {
      throw new IllegalArgumentException(why);
    });
    TrainingData train = TrainingData.read(trainData, signature, output, o.loss());
    TrainingData eval = TrainingData.read(evalData, signature, output, o.loss());
    List<MatrixOutcome> outcomes = new ArrayList<>();
    Map<String, WeightMatrix> chosen = choose(graph, flat, o, outcomes);
    Map<String, CompressionSpec> specs = new LinkedHashMap<>();
    chosen.keySet().forEach(name -> specs.put(name, o.specFor(name)));
    return new Plan(dir, graph, signature, output, flat, chosen, specs, outcomes, train, eval);
  }

  private static InferenceForm formOf(CompressionSpec spec) {
    return InferenceForms.forMethod(spec.method()).orElseThrow(() -> new IllegalArgumentException(
        "method " + spec.method() + " has no inference form for SavedModels; available: "
            + InferenceForms.methods()));
  }

  public static FineTuneReport run(FineTuneOptions o, Path trainData, Path evalData, FineTuneListener listener)
      throws IOException {
    return run(o, trainData, evalData, listener, null).orElseThrow();
  }

  /**
   * {@link #run} as one replica of a cluster: every replica builds the same graph with its variables on the parameter
   * servers and trains asynchronously; the chief (alone) also initialises them, runs the compression's updates,
   * checkpoints, and at the end evaluates and exports into OUT_DIR, returning the report; the others return empty.
   */
  public static Optional<FineTuneReport> runReplica(FineTuneOptions o, Path trainData, Path evalData,
      FineTuneListener listener, Replica replica) throws IOException {
    return run(o, trainData, evalData, listener, java.util.Objects.requireNonNull(replica, "replica"));
  }

  private static Optional<FineTuneReport> run(FineTuneOptions o, Path trainData, Path evalData,
      FineTuneListener listener, Replica replica) throws IOException {
    long t0 = System.nanoTime();
    boolean exports = replica == null || replica.isChief();
    if (exports) {
      OutputDirectory.check(o.modelDir(), o.outDir(), o.force());
    }
    Plan p = plan(o, trainData, evalData);
    SavedModelDirectory dir = p.dir();
    ServingGraph graph = p.graph();
    FlatGraph flat = p.flat();
    TrainedOutput output = p.output();
    Map<String, WeightMatrix> chosen = p.chosen();
    List<MatrixOutcome> outcomes = p.outcomes();
    TrainingData train = p.train();
    TrainingData eval = p.eval();
    SignatureDef signature = p.signature();
    List<String> notes = new ArrayList<>();
    if (inferenceBatchNorm(flat)) {
      notes.add("batch normalisation stays in inference mode: it normalises with its moving statistics, which do not"
          + " train; its scale and offset do");
    }

    try (SavedModelBundle original = dir.load()) {
      Map<String, TensorValue> values = VariableReader.read(original, graph.servingVariables());
      Map<String, FloatMatrix> postHoc = new LinkedHashMap<>();
      for (WeightMatrix m : chosen.values()) {
        FloatMatrix a = FloatMatrix.of(m.rows(), m.cols(), m.matrixValues(values.get(m.name()).floats()));
        postHoc.put(m.name(), p.specs().get(m.name()).compressor().compress(m.name(), a).product());
      }
      var labelsType = train.epoch(0, 1, o.seed()).get(0).labels().dtype();
      VariablePlacement placement = replica == null ? VariablePlacement.local()
          : replica.placement(variableBytes(flat, values));
      FineTuneGraph g = new FineTuneGraph(flat, signature, output, o.loss(), values, chosen, postHoc, p.specs(),
          labelsType, o.freezeOthers(), o.learningRate(), placement,
          replica != null && replica.updates() == Updates.SYNCHRONOUS ? replica.count() : 0);
      // A session abandoned after a lost cluster still holds the graph, whose close would then wait forever: on a
      // failure of a cluster run the graph is left to the process's end.
      boolean closeGraph = true;
      try {
        ReplicaTraining cluster = replica == null ? null
            : new ReplicaTraining(replica, replicated(g, train, o), placement, listener::noted);
        Session session;
        if (cluster == null) {
          session = new Session(g.graph);
          session.initialize();
        } else {
          session = cluster.connect();
        }
        String metric = o.loss().metricName();
        double original0 = Double.NaN;
        double postHoc0 = Double.NaN;
        if (exports && (cluster == null || cluster.globalStep() == 0)) {
          original0 = evaluate(session, g, g.metrics.get(Phase.DENSE), eval, o.batch());
          listener.evaluated("original", metric, original0);
          postHoc0 = evaluate(session, g, g.postHocMetric, eval, o.batch());
          listener.evaluated("post hoc", metric, postHoc0);
        } else if (exports) {
          notes.add("resumed a cluster run at step " + cluster.globalStep() + ": the original and post-hoc metrics"
              + " were measured when it started");
        }

        if (cluster == null) {
          train(session, g, train, eval, o, listener);
        } else {
          if (exports) {
            cluster.startOthers();
          }
          long mine = cluster.train(o.steps(), listener, () -> {});
          session = cluster.session();
          listener.noted("task " + replica.task() + " trained " + mine + " of the " + o.steps() + " steps");
          closeGraph = !cluster.abandonedAny();
          if (!exports) {
            session.close();
            return Optional.empty();
          }
          notes.add("trained on a cluster of " + replica.count() + " replicas and " + replica.cluster().psTasks()
              .size() + " ps tasks (" + (replica.updates() == Updates.SYNCHRONOUS ? "synchronous: each step's batch"
              + " split among them, their gradients averaged" : "asynchronous") + "): the chief trained " + mine
              + " of the " + cluster.globalStep() + " steps");
        }
        try {
          return Optional.of(finish(o, p, session, g, values, postHoc, notes, original, original0, postHoc0, metric,
              listener, t0));
        } finally {
          session.close();
        }
      } catch (RuntimeException | Error e) {
        closeGraph = replica == null;
        throw e;
      } finally {
        if (closeGraph) {
          g.close();
        }
      }
    }
  }

  /** {@code g} as a replica trains it: step k's batch is batch k of the seeded order, as in one process. */
  private static ReplicatedModel replicated(FineTuneGraph g, TrainingData train, FineTuneOptions o) {
    BatchOrder order = new BatchOrder(train, o.batch(), o.seed());
    return new ReplicatedModel() {
      @Override
      public Graph graph() {
        return g.graph;
      }

      @Override
      public PhasedTrainer trainer() {
        return g.trainer;
      }

      @Override
      public SyncReplicas sync() {
        return g.sync;
      }

      @Override
      public Map<Operand<?>, Tensor> feeds(long step, int part, int parts, List<Tensor> open) {
        return g.feeds(train.part(order.at(step), part, parts), open);
      }
    };
  }

  /** Bytes of each variable that becomes a variable of the training graph (its float ones), for placement. */
  private static Map<String, Long> variableBytes(FlatGraph flat, Map<String, TensorValue> values) {
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (FlatVariable v : flat.variables().values()) {
      TensorValue t = values.get(v.name());
      if (t != null && t.dtype() == org.tensorflow.proto.DataType.DT_FLOAT) {
        bytes.put(v.name(), (long) t.bytes().length);
      }
    }
    return bytes;
  }

  /** After training: every weight in its compressed phase, the metric, the export checked and moved into place. */
  private static FineTuneReport finish(FineTuneOptions o, Plan p, Session session, FineTuneGraph g,
      Map<String, TensorValue> values, Map<String, FloatMatrix> postHoc, List<String> notes,
      SavedModelBundle original, double original0, double postHoc0, String metric, FineTuneListener listener,
      long t0) throws IOException {
    SavedModelDirectory dir = p.dir();
    ServingGraph graph = p.graph();
    TrainedOutput output = p.output();
    TrainingData eval = p.eval();
    List<MatrixOutcome> outcomes = p.outcomes();
    for (FineTuneGraph.Chosen c : g.chosen.values()) {
      if (c.weight().phase(session) != Phase.COMPRESSED) {
        throw new IllegalStateException(c.matrix().name() + " ended in phase " + c.weight().phase(session)
            + " although the schedule forecast said it would finish");
      }
    }
    double tuned = evaluate(session, g, g.metrics.get(Phase.COMPRESSED), eval, o.batch());
    listener.evaluated("fine-tuned", metric, tuned);

    List<Replacement> replacements = new ArrayList<>();
    Map<String, TensorValue> trained = trainedValues(session, g, values, postHoc, outcomes, replacements);
    try (WorkDirectory work = WorkDirectory.beside(o.outDir(), "finetune " + o.outDir())) {
      Path temp = Files.createDirectory(work.resolve("model"));
      Path scratch = Files.createDirectory(work.resolve("checkpoint"));
      notes.addAll(CompressedForms.export(dir, graph, trained, replacements, o.serving().form(),
          o.serving().sparse(), temp, scratch).notes());
      double[] check;
      List<LatencyProbe.Pair> latency;
      try (SavedModelBundle exported = SavedModelDirectory.open(temp, o.tag()).load()) {
        check = checkExport(session, g, exported, o.signature(), output, eval, o.batch());
        latency = ServingLatency.measure(original, exported, graph.signatures());
      }
      long varsAfter = SavedModelDirectory.diskBytes(temp.resolve("variables"));
      long pbAfter = Files.size(temp.resolve("saved_model.pb"));
      if (o.plan().isPresent()) {
        Files.writeString(temp.resolve(SavedModelCompressor.PLAN_FILE), o.plan().get().toJson() + "\n");
        notes.add("the plan is in " + o.outDir().resolve(SavedModelCompressor.PLAN_FILE));
      }
      work.commit(temp, o.outDir(), o.force());
      return new FineTuneReport(o.modelDir().toString(), o.outDir().toString(),
          o.plan().isPresent() ? "plan" : o.spec().method().name(),
          o.plan().map(CompressionPlan::toJson).orElse(o.spec().toHparamString()), output.name(),
          o.loss().kind().cliName(), metric, o.steps(), o.batch(),
          eval.examples(), original0, postHoc0, check[1], outcomes, dir.variablesDiskBytes(), varsAfter,
          Files.size(o.modelDir().resolve("saved_model.pb")), pbAfter, check[0], notes,
          (System.nanoTime() - t0) / 1e9, latency);
    }
  }

  /**
   * The weights to compress: on the signature's path, selected by {@code --layers} (every one it names must be
   * compressible), and able to take the method's form; the others are reported dense and train as they are.
   */
  private static Map<String, WeightMatrix> choose(ServingGraph graph, FlatGraph flat, FineTuneOptions o,
      List<MatrixOutcome> outcomes) {
    List<WeightMatrix> onPath = graph.matrices().stream().filter(m -> flat.variables().containsKey(m.name()))
        .toList();
    o.plan().ifPresent(p -> p.requireEveryEntryMatches(onPath, WeightMatrix::name));
    List<WeightMatrix> selected = o.plan().isPresent()
        ? onPath.stream().filter(m -> o.plan().get().entryFor(m.name()).isPresent()).toList()
        : o.layers().isEmpty() ? onPath : LayerPattern.select(o.layers().get(), onPath, WeightMatrix::name);
    Map<String, WeightMatrix> chosen = new LinkedHashMap<>();
    List<String> demanded = new ArrayList<>();
    for (WeightMatrix m : onPath) {
      if (!selected.contains(m)) {
        continue;
      }
      Optional<String> refused = CompressedForms.refusal(m, formOf(o.specFor(m.name())));
      if (refused.isEmpty() && !flat.variables().get(m.name()).otherUses().isEmpty()) {
        refused = Optional.of("read other than by value: " + flat.variables().get(m.name()).otherUses());
      }
      if (refused.isPresent()) {
        demanded.add(m.name() + ": " + refused.get());
      } else {
        chosen.put(m.name(), m);
      }
    }
    if ((o.layers().isPresent() || o.plan().isPresent()) && !demanded.isEmpty()) {
      throw new IllegalArgumentException((o.plan().isPresent() ? "--plan" : "--layers")
          + " selects matrices that cannot be compressed: "
          + String.join("; ", demanded));
    }
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException("no weight matrix on the path of signature '" + o.signature()
          + "' can be compressed" + (demanded.isEmpty() ? "" : ": " + String.join("; ", demanded)));
    }
    return chosen;
  }

  /**
   * Whether a batch normalisation runs in inference mode (on its moving statistics). Keras' LayerNormalization is a
   * FusedBatchNorm in training mode over its own batch of one, which normalises as usual and needs no note.
   */
  private static boolean inferenceBatchNorm(FlatGraph flat) {
    for (String op : List.of("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3")) {
      for (String n : flat.nodesOfOp(op)) {
        var training = flat.node(n).getAttrOrDefault("is_training", null); // absent: the op's default, true
        if (training != null && !training.getB()) {
          return true;
        }
      }
    }
    return false;
  }

  private static void train(Session session, FineTuneGraph g, TrainingData train, TrainingData eval,
      FineTuneOptions o, FineTuneListener listener) {
    BatchOrder order = new BatchOrder(train, o.batch(), o.seed());
    Phase last = Phase.DENSE;
    for (long step = 0; step < o.steps(); step++) {
      TrainingData.Batch b = order.at(step);
      List<Tensor> open = new ArrayList<>();
      try {
        Map<Operand<?>, Tensor> feeds = g.feeds(b, open);
        var r = g.trainer.step(session, step, feeds);
        listener.stepped(step, r.loss(), r.phase());
        if (r.phase() != last) {
          last = r.phase();
          listener.evaluated("entering " + last.name().toLowerCase(), o.loss().metricName(),
              evaluate(session, g, g.metrics.get(last), eval, o.batch()));
        }
      } finally {
        open.forEach(Tensor::close);
      }
    }
  }

  /** The metric over the whole eval set, as the mean of the chunks' metrics weighted by their sizes. */
  private static double evaluate(Session session, FineTuneGraph g, Operand<TFloat32> metric, TrainingData eval,
      int chunk) {
    double sum = 0;
    long n = 0;
    for (TrainingData.Batch b : eval.inOrder(chunk)) {
      List<Tensor> open = new ArrayList<>();
      try {
        Session.Runner runner = session.runner();
        g.feeds(b, open).forEach(runner::feed);
        try (var r = runner.fetch(metric).run()) {
          sum += ((TFloat32) r.get(0)).getFloat() * (double) b.size();
          n += b.size();
        }
      } finally {
        open.forEach(Tensor::close);
      }
    }
    return sum / n;
  }

  /**
   * The values the export holds: each chosen weight's trained compressed form (or, where the form saves nothing, the
   * trained matrix itself, which is what the model read), and every other variable's trained value.
   */
  private static Map<String, TensorValue> trainedValues(Session session, FineTuneGraph g,
      Map<String, TensorValue> values, Map<String, FloatMatrix> postHoc, List<MatrixOutcome> outcomes,
      List<Replacement> replacements) {
    Map<String, TensorValue> out = new LinkedHashMap<>(values);
    g.others.forEach((name, v) -> out.put(name, fetch(session, v)));
    for (FineTuneGraph.Chosen c : g.chosen.values()) {
      WeightMatrix m = c.matrix();
      CompressedWeight w = c.weight();
      Factorization f = TrainedState.of(session, g.tf, w);
      FloatMatrix original = FloatMatrix.of(m.rows(), m.cols(), m.matrixValues(values.get(m.name()).floats()));
      MatrixOutcome outcome = CompressedForms.store(m, original, f, formOf(w.spec()), replacements);
      if (!outcome.compressed()) {
        out.put(m.name(), TensorValue.ofFloats(m.variable().shape(), m.variableValues(f.product().copyData())));
      }
      outcomes.add(outcome);
    }
    return out;
  }

  private static TensorValue fetch(Session session, Operand<?> op) {
    try (var r = session.runner().fetch(op).run()) {
      return TensorValue.of(r.get(0));
    }
  }

  /**
   * Runs the export on the eval set: its largest difference from the trained graph's compressed outputs (which it
   * must match to float rounding, else the export is wrong and nothing is written), and its metric.
   */
  private static double[] checkExport(Session session, FineTuneGraph g, SavedModelBundle exported, String key,
      TrainedOutput output, TrainingData eval, int chunk) {
    double maxDiff = 0;
    double sum = 0;
    long n = 0;
    var function = exported.function(key);
    for (TrainingData.Batch b : eval.inOrder(chunk)) {
      List<Tensor> open = new ArrayList<>();
      try {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (String name : g.inputs.keySet()) {
          Tensor t = b.inputs().get(name).toTensor();
          open.add(t);
          inputs.put(name, t);
        }
        try (var result = function.call(inputs)) {
          Tensor served = result.get(output.name()).orElseThrow();
          Session.Runner runner = session.runner();
          g.feeds(b, open).forEach(runner::feed);
          runner.feed(g.outsideOutput, served);
          try (var r = runner.fetch(g.outputs.get(Phase.COMPRESSED)).fetch(g.outsideMetric).run()) {
            float[] want = TensorValue.of(r.get(0)).floats();
            float[] got = TensorValue.of(served).floats();
            double scale = 1;
            for (float v : want) {
              scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < want.length; i++) {
              double d = Math.abs(want[i] - got[i]);
              if (!(d <= EXPORT_TOLERANCE * scale)) {
                throw new IllegalStateException(String.format("the export's output '%s' differs from the trained"
                    + " graph's by %.3g at entry %d (%s vs %s)", output.name(), d, i, got[i], want[i]));
              }
              maxDiff = Math.max(maxDiff, d);
            }
            sum += ((TFloat32) r.get(1)).getFloat() * (double) b.size();
            n += b.size();
          }
        }
      } finally {
        open.forEach(Tensor::close);
      }
    }
    return new double[] {maxDiff, sum / n};
  }
}
