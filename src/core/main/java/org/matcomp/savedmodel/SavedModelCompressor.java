package org.matcomp.savedmodel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.matcomp.compressor.Factorization;
import org.matcomp.io.WorkDirectory;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.savedmodel.serving.LatencyProbe;
import org.matcomp.savedmodel.serving.ServingLatency;
import org.matcomp.spec.CompressionPlan;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.LayerPattern;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.NodeDef;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.savedmodel.export.ModelVerifier;
import org.matcomp.savedmodel.export.OutputDirectory;
import org.matcomp.savedmodel.export.SampleInputs;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.export.VariableReader;
import org.matcomp.savedmodel.export.VerifyReport;
import org.matcomp.savedmodel.rewrite.InferenceForm;
import org.matcomp.savedmodel.rewrite.InferenceForms;
import org.matcomp.savedmodel.rewrite.Replacement;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.WeightMatrix;

/**
 * {@code matcomp compress}: load, select, compress, rewrite, export, verify — MODEL_DIR is only read; OUT_DIR appears
 * in one move once the exported model has loaded and run. Matrices that cannot be compressed (no rewritable
 * consumer, no saving, no inference form for the method's layout) are reported and left dense.
 */
public final class SavedModelCompressor {
  private static final Set<String> UNSUPPORTED_STATE = Set.of("HashTableV2", "MutableHashTableV2",
      "MutableHashTableOfTensorsV2", "MutableDenseHashTableV2", "HashTable", "MutableHashTable");

  /** The file in OUT_DIR that holds the plan a compression followed. */
  public static final String PLAN_FILE = "matcomp_plan.json";

  private SavedModelCompressor() {}

  public static CompressReport run(CompressOptions o) throws IOException {
    long t0 = System.nanoTime();
    SavedModelDirectory dir = SavedModelDirectory.open(o.modelDir(), o.tag());
    OutputDirectory.check(o.modelDir(), o.outDir(), o.force());
    Method method = o.spec().method();
    if (o.plan().isPresent()) {
      if (o.layers().isPresent()) {
        throw new IllegalArgumentException("--layers and --plan both select matrices; put the regex in the plan");
      }
      o.plan().get().entries().forEach(e -> formOf(e.spec().method(), e.label()));
    } else {
      formOf(method, "method " + method);
      o.spec().compressor();
    }

    ServingGraph graph = ServingGraph.of(dir);
    for (NodeDef n : graph.pruned().getNodeList()) {
      if (UNSUPPORTED_STATE.contains(n.getOp())) {
        throw new IllegalArgumentException("the serving graph uses lookup table '" + n.getName() + "' (" + n.getOp()
            + "), whose initialisation matcomp does not carry over");
      }
    }
    List<WeightMatrix> selected = select(graph, o);
    Map<String, SampleInputs.Batch> userInputs = userInputs(graph, o);
    List<String> notes = new ArrayList<>();
    notes.add("the output is a TF1-style SavedModel (graph + saver + signatures): it loads in TF Java, TF Serving"
        + " and tf.saved_model.load, not in keras.models.load_model");

    try (SavedModelBundle original = dir.load()) {
      Map<String, TensorValue> values = VariableReader.read(original, graph.servingVariables());
      List<MatrixOutcome> outcomes = new ArrayList<>();
      List<Replacement> replacements = new ArrayList<>();
      List<String> demanded = new ArrayList<>();
      for (WeightMatrix m : graph.matrices()) {
        if (!selected.contains(m)) {
          outcomes.add(MatrixOutcome.dense(m, "not selected by --layers"));
          continue;
        }
        Optional<CompressionPlan.Entry> entry = o.plan().flatMap(p -> p.entryFor(m.name()));
        if (o.plan().isPresent() && entry.isEmpty()) {
          outcomes.add(MatrixOutcome.dense(m, "no plan entry matches"));
          continue;
        }
        CompressOptions mo = entry.map(e -> forEntry(o, e)).orElse(o);
        InferenceForm form = formOf(mo.spec().method(), "method " + mo.spec().method());
        MatrixOutcome outcome = compressOne(m, values.get(m.name()), form, mo, replacements);
        if (!outcome.compressed() && o.layers().isPresent()) {
          demanded.add(m.name() + ": " + outcome.reason());
        }
        outcomes.add(outcome);
      }
      if (!demanded.isEmpty()) {
        throw new IllegalArgumentException("--layers selects matrices that cannot be compressed: "
            + String.join("; ", demanded));
      }
      if (replacements.isEmpty()) {
        notes.add("no matrix was compressed; the export only drops what serving never reads");
      }

      // The export, its checkpoint scratch and a replaced OUT_DIR all live in one work directory beside OUT_DIR,
      // removed on every exit path (and by the next run if this one is killed).
      try (WorkDirectory work = WorkDirectory.beside(o.outDir(), "compress " + o.outDir())) {
        Path temp = Files.createDirectory(work.resolve("model"));
        Path scratch = Files.createDirectory(work.resolve("checkpoint"));
        notes.addAll(CompressedForms.export(dir, graph, values, replacements, o.serving().form(),
            o.serving().sparse(), temp, scratch).notes());
        VerifyReport verify;
        List<LatencyProbe.Pair> latency = new ArrayList<>();
        try (SavedModelBundle compressed = SavedModelDirectory.open(temp, o.tag()).load()) {
          verify = ModelVerifier.verify(original, compressed, graph.signatures(), key -> samples(key, o, userInputs, graph));
          if (o.verify()) {
            latency = ServingLatency.measure(original, compressed, graph.signatures());
          }
        }
        if (o.labels().isPresent() && verify.labelledExamples() == 0) {
          notes.add("--labels " + o.labels().get() + ": no signature has an output shaped [examples, classes] with a"
              + " class for every label, so no accuracy was measured");
        }
        long varsAfter = SavedModelDirectory.diskBytes(temp.resolve("variables"));
        long pbAfter = Files.size(temp.resolve("saved_model.pb"));
        if (o.plan().isPresent()) {
          // the plan travels with the model it made, where a later finetune --plan or a reader finds it
          Files.writeString(temp.resolve(PLAN_FILE), o.plan().get().toJson() + "\n");
          notes.add("the plan is in " + o.outDir().resolve(PLAN_FILE));
        }
        work.commit(temp, o.outDir(), o.force());
        return new CompressReport(o.modelDir().toString(), o.outDir().toString(),
            o.plan().isPresent() ? "plan" : method.name(),
            o.plan().map(CompressionPlan::toJson).orElse(o.spec().toHparamString()), outcomes,
            dir.variablesDiskBytes(), varsAfter,
            Files.size(o.modelDir().resolve("saved_model.pb")), pbAfter, verify, notes,
            (System.nanoTime() - t0) / 1e9, latency);
      }
    }
  }

  private static InferenceForm formOf(Method method, String who) {
    return InferenceForms.forMethod(method).orElseThrow(() -> new IllegalArgumentException(who
        + " has no inference form for SavedModels; available: " + InferenceForms.methods()));
  }

  /** The options one plan entry gives a matrix: its spec, and the spectrum's rank when it fixed no size. */
  private static CompressOptions forEntry(CompressOptions o, CompressionPlan.Entry e) {
    return o.withSpec(e.spec(), !e.sizeGiven());
  }

  private static List<WeightMatrix> select(ServingGraph graph, CompressOptions o) {
    o.plan().ifPresent(p -> p.requireEveryEntryMatches(graph.matrices(), WeightMatrix::name));
    return o.layers().isEmpty() ? graph.matrices()
        : LayerPattern.select(o.layers().get(), graph.matrices(), WeightMatrix::name);
  }

  /** Low-rank, alone or as the first part of a composition: the methods whose rank the spectrum can pick. */
  private static boolean lowRankFirst(org.matcomp.compressor.Method m) {
    return m == LowRankMethod.INSTANCE
        || m instanceof org.matcomp.compressor.compose.ComposedMethod c && c.first() == LowRankMethod.INSTANCE;
  }

  private static MatrixOutcome compressOne(WeightMatrix m, TensorValue value, InferenceForm form, CompressOptions o,
      List<Replacement> replacements) {
    Optional<String> refused = CompressedForms.refusal(m, form);
    if (refused.isPresent()) {
      return MatrixOutcome.dense(m, refused.get());
    }
    float[] values = m.matrixValues(value.floats());
    FloatMatrix a = FloatMatrix.of(m.rows(), m.cols(), values);
    CompressionSpec spec = o.spec();
    Factorization f;
    try {
      if (lowRankFirst(spec.method()) && o.rankByEnergy()) {
        MatrixAdvice advice = MethodAdvisor.advise(m.name(), values, m.rows(), m.cols(), o.energy());
        if (advice.energyRank() < 0) {
          return MatrixOutcome.dense(m, "too large to pick a rank from its spectrum; give --rank");
        }
        int r = advice.energyRank();
        if (advice.flatSpectrum() || (long) r * (m.rows() + m.cols()) >= (long) m.rows() * m.cols()) {
          return MatrixOutcome.dense(m, String.format("flat spectrum: keeping %.0f %% of the spectral energy needs"
              + " rank %d of %d (%.2fx); low-rank is the wrong tool here — try kmeans or prune, or force a --rank",
              100 * o.energy(), r, Math.min(m.rows(), m.cols()), advice.lowRankRatio()));
        }
        spec = spec.toBuilder().absoluteRank(r).build();
      }
      f = spec.compressor().compress(m.name(), a).requireFinite(m.name());
    } catch (IllegalArgumentException e) {
      // Best effort without --layers: a matrix the setting does not fit (a rank or cluster count above its size, a
      // non-finite entry) stays dense like any other matrix the method cannot help; a matrix the user named must
      // compress.
      String msg = e.getMessage() != null && e.getMessage().startsWith(m.name()) ? e.getMessage()
          : m.name() + ": " + e.getMessage();
      if (o.layers().isEmpty()) {
        return MatrixOutcome.dense(m, msg);
      }
      throw new IllegalArgumentException(msg + " (matrix " + m.rows() + "x" + m.cols() + ")", e);
    }
    return CompressedForms.store(m, a, f, form, replacements);
  }

  /**
   * The user's {@code --inputs} for every signature, with their {@code --labels} if given, read and checked before
   * any work, so that a bad file is refused before anything is written. A file that is missing or malformed is bad
   * input (IllegalArgumentException); one that exists but cannot be read stays an IOException.
   */
  private static Map<String, SampleInputs.Batch> userInputs(ServingGraph graph, CompressOptions o) throws IOException {
    Map<String, SampleInputs.Batch> out = new LinkedHashMap<>();
    if (o.labels().isPresent() && o.inputs().isEmpty()) {
      throw new IllegalArgumentException("--labels " + o.labels().get() + " needs --inputs: the labels name the class"
          + " of each example of the inputs");
    }
    if (o.inputs().isEmpty()) {
      return out;
    }
    int[] labels = o.labels().isEmpty() ? null
        : readInput("--labels", o.labels().get(), () -> SampleInputs.labels(o.labels().get()));
    for (var e : graph.signatures().entrySet()) {
      SampleInputs.Batch b = readInput("--inputs", o.inputs().get(),
          () -> SampleInputs.fromFiles(e.getValue(), o.inputs().get()));
      out.put(e.getKey(), labels == null ? b : SampleInputs.withLabels(b, labels, o.labels().get(), e.getKey()));
    }
    return out;
  }

  private interface InputReader<T> {
    T read() throws IOException;
  }

  /**
   * Reads the user's file {@code p}: a missing file or malformed content (the readers' plain IOException naming the
   * file) is bad input; any other file-system failure (permission denied on a file that is there) stays an
   * IOException, an I/O failure rather than the user's mistake.
   */
  private static <T> T readInput(String flag, Path p, InputReader<T> reader) throws IOException {
    try {
      return reader.read();
    } catch (java.nio.file.NoSuchFileException ex) {
      String which = p.toString().equals(ex.getFile()) ? "" : " " + ex.getFile();
      throw new IllegalArgumentException(flag + " " + p + ": no such file" + which, ex);
    } catch (java.nio.file.FileSystemException ex) {
      throw ex;
    } catch (IOException ex) {
      throw new IllegalArgumentException(flag + " " + p + ": " + ex.getMessage(), ex);
    }
  }

  /** The built-in random samples plus the user's inputs (which add to them, never replace them), with any labels. */
  private static List<SampleInputs.Batch> samples(String key, CompressOptions o,
      Map<String, SampleInputs.Batch> userInputs, ServingGraph graph) {
    var sig = graph.signatures().get(key);
    List<SampleInputs.Batch> out = new ArrayList<>();
    SampleInputs.random(sig, o.verify() ? o.verifyBatch() : 4, o.seed()).ifPresent(out::add);
    if (userInputs.containsKey(key)) {
      out.add(userInputs.get(key));
    }
    return out;
  }
}
