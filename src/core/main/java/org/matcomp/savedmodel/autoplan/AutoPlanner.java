package org.matcomp.savedmodel.autoplan;

import com.google.gson.JsonArray;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.Factorization;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.savedmodel.CompressOptions;
import org.matcomp.savedmodel.CompressedForms;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.export.VariableReader;
import org.matcomp.savedmodel.finetune.OutputForm;
import org.matcomp.savedmodel.finetune.TrainedOutput;
import org.matcomp.savedmodel.finetune.TrainingData;
import org.matcomp.savedmodel.rewrite.InferenceForm;
import org.matcomp.savedmodel.rewrite.InferenceForms;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.WeightMatrix;
import org.matcomp.spec.CompressionPlan;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.proto.SignatureDef;

/**
 * Finds a per-layer plan that makes the model's weight matrices R times smaller with the least loss of the metric:
 * each matrix's sensitivity is measured alone (every setting of the {@link Candidate} menu, its product swapped into
 * the loaded model, the metric on the probe examples), each matrix's settings are reduced to the lower convex hull of
 * (bytes, drop), and a greedy walk takes the step with the least drop per byte saved across all matrices until the
 * bytes reach 1/R — the usual greedy for a knapsack over convex curves. Drops do not add up (two matrices compressed
 * together can cost more than the two alone), so every step is measured with the whole model as it stands and undone
 * if it passes the allowed drop; the walk then goes on without that matrix. Where it stops is the best ratio found
 * within the drop.
 */
public final class AutoPlanner {
  private AutoPlanner() {}

  /** A measured setting of one matrix. */
  private record Point(Candidate candidate, long bytes, double drop, float[] product) {}

  /**
   * Where the walk ended: each matrix's index among its measured settings (0 = dense), the total bytes, the sum of
   * the steps' drops measured alone, the drop measured with all of them, and how many evaluations it took.
   */
  private record State(int[] choice, long bytes, double predictedDrop, double measuredDrop, int evaluations) {}

  public static AutoPlanResult plan(CompressOptions base, AutoPlanOptions a, Consumer<String> progress)
      throws IOException {
    long t0 = System.nanoTime();
    SavedModelDirectory dir = SavedModelDirectory.open(base.modelDir(), base.tag());
    ServingGraph graph = ServingGraph.of(dir);
    SignatureDef sig = graph.signature(a.signature());
    TrainedOutput output = TrainedOutput.choose(sig, a.output());
    TrainingData eval = TrainingData.read(a.evalData(), sig, output, a.loss().reading(OutputForm.LOGITS));

    List<WeightMatrix> matrices = graph.matrices();
    long dense = matrices.stream().mapToLong(WeightMatrix::denseBytes).sum();
    long target = (long) Math.floor(dense / a.targetRatio());
    Map<WeightMatrix, List<Candidate>> menus = new LinkedHashMap<>();
    Map<Candidate, CompressionSpec> specs = new LinkedHashMap<>();
    long smallest = 0;
    for (WeightMatrix m : matrices) {
      List<Candidate> usable = new ArrayList<>();
      long least = m.denseBytes();
      for (Candidate c : Candidate.menu(m.rows(), m.cols())) {
        Optional<Long> bytes = layoutBytes(m, c, base.spec(), specs);
        if (bytes.isPresent() && bytes.get() < m.denseBytes()) {
          usable.add(c);
          least = Math.min(least, bytes.get());
        }
      }
      menus.put(m, usable);
      smallest += least;
    }
    if (smallest > target) {
      throw new IllegalArgumentException(String.format("--target-ratio %s is unreachable: every matrix at its"
          + " smallest setting makes the weights %.2fx smaller (%d of %d bytes)", a.targetRatio(),
          (double) dense / smallest, smallest, dense));
    }

    try (ModelProbe probe = new ModelProbe(dir, a.signature(), output.name(), a.loss())) {
      Map<String, TensorValue> values = VariableReader.read(probe.bundle(),
          matrices.stream().map(WeightMatrix::variable).toList());
      List<TrainingData.Batch> all = eval.inOrder(256);
      List<TrainingData.Batch> probeBatches = all.subList(0, Math.min(all.size(), (a.probeExamples() + 255) / 256));
      double probeBefore = probe.metric(probeBatches);
      double before = probeBatches.size() == all.size() ? probeBefore : probe.metric(all);
      int probes = 0;
      List<List<Point>> measured = new ArrayList<>();
      for (WeightMatrix m : matrices) {
        float[] original = m.matrixValues(values.get(m.name()).floats());
        List<Point> points = new ArrayList<>();
        points.add(new Point(null, m.denseBytes(), 0, original));
        for (Candidate c : menus.get(m)) {
          Factorization f;
          try {
            f = specs.get(c).compressor().compress(m.name(), FloatMatrix.of(m.rows(), m.cols(), original));
          } catch (IllegalArgumentException e) {
            continue; // the values do not suit it (fewer distinct values than clusters, ...): not a choice here
          }
          float[] product = f.product().copyData();
          probe.set(m, product);
          double drop = drop(a, probeBefore, probe.metric(probeBatches));
          points.add(new Point(c, f.size().compressedBytes(), Math.max(0, drop), product));
          probes++;
          progress.accept(String.format("%s %s: %.2fx, drop %.2f", m.name(), c, (double) m.denseBytes()
              / f.size().compressedBytes(), drop));
        }
        probe.set(m, original);
        measured.add(points);
      }

      State chosen = walk(probe, matrices, measured, target, a, probeBefore, probeBatches, progress);
      probes += chosen.evaluations();
      double verified = chosen.measuredDrop();
      if (probeBatches.size() < all.size()) {
        verified = verify(probe, matrices, measured, chosen, a, before, all);
        probes++;
      }
      boolean met = chosen.bytes() <= target && verified <= a.maxDrop();
      CompressionPlan plan = toPlan(matrices, measured, chosen, base.spec());
      return new AutoPlanResult(plan, a.targetRatio(), (double) dense / chosen.bytes(), a.maxDrop(),
          a.loss() == org.matcomp.savedmodel.finetune.Loss.Kind.MSE ? "mse" : "accuracy", before,
          chosen.predictedDrop(), verified, met, probes, (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The stored bytes of {@code c} on {@code m} from its layout, if the method fits the matrix and its form. */
  private static Optional<Long> layoutBytes(WeightMatrix m, Candidate c, CompressionSpec base,
      Map<Candidate, CompressionSpec> specs) {
    CompressionSpec spec = specs.computeIfAbsent(c, x -> CompressionPlan.parse("[" + x.entry(".") + "]",
        "auto plan", base).entries().get(0).spec());
    InferenceForm form = InferenceForms.forMethod(spec.method()).orElse(null);
    if (form == null || CompressedForms.refusal(m, form).isPresent()) {
      return Optional.empty();
    }
    try {
      return Optional.of(CompressedSize.of(m.rows(), m.cols(), spec.compressor().layout(m.name(), m.rows(),
          m.cols())).compressedBytes());
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // the setting does not fit this matrix (more clusters than entries, ...)
    }
  }

  /** The metric's drop: accuracy points lost, or the mean squared error's rise in percent. */
  private static double drop(AutoPlanOptions a, double before, double after) {
    return a.loss() == org.matcomp.savedmodel.finetune.Loss.Kind.MSE ? 100 * (after - before) / before
        : before - after;
  }

  /**
   * The greedy walk: from all dense, the step of least drop per byte saved (as measured alone; ties to the larger
   * saving) is applied to the model and the whole model measured. A step that takes the drop past the limit is undone
   * and that setting struck from its matrix's list, whose next step is then sought among the rest. It stops when the
   * bytes reach the target or no step is left.
   */
  private static State walk(ModelProbe probe, List<WeightMatrix> matrices, List<List<Point>> points, long target,
      AutoPlanOptions a, double before, List<TrainingData.Batch> data, Consumer<String> progress) {
    int n = matrices.size();
    Point[] current = new Point[n];
    List<List<Point>> left = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      current[i] = points.get(i).get(0);
      left.add(new ArrayList<>(points.get(i).subList(1, points.get(i).size())));
    }
    long bytes = java.util.Arrays.stream(current).mapToLong(Point::bytes).sum();
    double predicted = 0;
    double measured = 0;
    int evaluations = 0;
    while (bytes > target) {
      int pick = -1;
      Point step = null;
      double bestSlope = Double.POSITIVE_INFINITY;
      long bestSaving = 0;
      for (int i = 0; i < n; i++) {
        Point next = nextOnHull(current[i], left.get(i));
        if (next == null) {
          continue;
        }
        long saving = current[i].bytes() - next.bytes();
        double slope = (next.drop() - current[i].drop()) / saving;
        if (slope < bestSlope || (slope == bestSlope && saving > bestSaving)) {
          bestSlope = slope;
          bestSaving = saving;
          pick = i;
          step = next;
        }
      }
      if (step == null) {
        break;
      }
      WeightMatrix m = matrices.get(pick);
      probe.set(m, step.product());
      double drop = drop(a, before, probe.metric(data));
      evaluations++;
      left.get(pick).remove(step);
      if (drop <= a.maxDrop()) {
        bytes -= current[pick].bytes() - step.bytes();
        predicted += step.drop() - current[pick].drop();
        measured = drop;
        current[pick] = step;
        progress.accept(String.format("take %s %s: drop %.2f", m.name(), step.candidate(), drop));
      } else {
        probe.set(m, current[pick].product());
        progress.accept(String.format("skip %s %s: drop would be %.2f", m.name(), step.candidate(), drop));
      }
    }
    int[] choice = new int[n];
    for (int i = 0; i < n; i++) {
      choice[i] = points.get(i).indexOf(current[i]);
      probe.set(matrices.get(i), points.get(i).get(0).product());
    }
    return new State(choice, bytes, predicted, measured, evaluations);
  }

  /**
   * The next setting down the lower convex hull of (bytes, drop) from {@code cur} among {@code candidates}: of those
   * with fewer bytes, the one adding the least drop per byte saved (ties to the smaller); null when none is smaller.
   */
  private static Point nextOnHull(Point cur, List<Point> candidates) {
    Point next = null;
    double bestSlope = Double.POSITIVE_INFINITY;
    for (Point p : candidates) {
      if (p.bytes() >= cur.bytes()) {
        continue;
      }
      double slope = (p.drop() - cur.drop()) / (cur.bytes() - p.bytes());
      if (slope < bestSlope || (slope == bestSlope && next != null && p.bytes() < next.bytes())) {
        bestSlope = slope;
        next = p;
      }
    }
    return next;
  }

  /** The drop measured on all of the data with every matrix at its setting in {@code s}; the model is restored. */
  private static double verify(ModelProbe probe, List<WeightMatrix> matrices, List<List<Point>> measured, State s,
      AutoPlanOptions a, double before, List<TrainingData.Batch> all) {
    for (int i = 0; i < matrices.size(); i++) {
      probe.set(matrices.get(i), measured.get(i).get(s.choice()[i]).product());
    }
    double after = probe.metric(all);
    for (int i = 0; i < matrices.size(); i++) {
      probe.set(matrices.get(i), measured.get(i).get(0).product());
    }
    return drop(a, before, after);
  }

  private static CompressionPlan toPlan(List<WeightMatrix> matrices, List<List<Point>> measured, State s,
      CompressionSpec base) {
    JsonArray entries = new JsonArray();
    for (int i = 0; i < matrices.size(); i++) {
      Point p = measured.get(i).get(s.choice()[i]);
      if (p.candidate() != null) {
        entries.add(p.candidate().entry(CompressionPlan.exactly(matrices.get(i).name())));
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no matrix can be compressed within the allowed drop; raise --max-drop");
    }
    return CompressionPlan.parse(entries.toString(), "auto plan", base);
  }
}
