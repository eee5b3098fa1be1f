package org.matcomp.savedmodel.finetune;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.matcomp.cluster.VariablePlacement;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.Phase;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.export.VariableReader;
import org.matcomp.savedmodel.trace.WeightMatrix;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/**
 * The cost of a fine-tuning step, for {@code bench finetune}: the same model's forward and backward built the same
 * way without compression (the baseline), the compressing graph before its first update (it reads A: the operator's
 * overhead), and after the switch (it reads B⊗C only). Each is the median of {@code runs} timed steps of one
 * mini-batch, after warm-up steps.
 */
public record FineTuneStepTimes(double baselineMillis, double denseMillis, double compressedMillis, int runs) {
  public double denseRatio() {
    return denseMillis / baselineMillis;
  }

  public double compressedRatio() {
    return compressedMillis / baselineMillis;
  }

  public static FineTuneStepTimes measure(FineTuneOptions o, Path trainData, int runs) throws IOException {
    SavedModelFineTuner.Plan p = SavedModelFineTuner.plan(o, trainData, trainData);
    TrainingData.Batch batch = p.train().epoch(0, o.batch(), o.seed()).get(0);
    try (SavedModelBundle original = p.dir().load()) {
      Map<String, TensorValue> values = VariableReader.read(original, p.graph().servingVariables());
      // the post-hoc replay is built but never run here: zeros stand in for the compressor's product
      Map<String, FloatMatrix> postHoc = new LinkedHashMap<>();
      for (WeightMatrix m : p.chosen().values()) {
        postHoc.put(m.name(), FloatMatrix.zeros(m.rows(), m.cols()));
      }
      double baseline;
      try (FineTuneGraph g = new FineTuneGraph(p.flat(), p.signature(), p.output(), o.loss(), values, Map.of(),
          Map.of(), Map.of(), batch.labels().dtype(), o.freezeOthers(), o.learningRate(),
          VariablePlacement.local(), 0);
          Session s = new Session(g.graph)) {
        s.initialize();
        baseline = time(s, g, batch, runs);
      }
      try (FineTuneGraph g = new FineTuneGraph(p.flat(), p.signature(), p.output(), o.loss(), values, p.chosen(),
          postHoc, p.specs(), batch.labels().dtype(), o.freezeOthers(), o.learningRate(),
          VariablePlacement.local(), 0);
          Session s = new Session(g.graph)) {
        s.initialize();
        double dense = time(s, g, batch, runs);
        // run the schedule's host updates (no training between them) until every weight reads its factors alone
        long step = 0;
        while (!allCompressed(s, g) && step <= o.steps()) {
          for (FineTuneGraph.Chosen c : g.chosen.values()) {
            c.weight().runUpdateStep(s, step);
          }
          step++;
        }
        double compressed = time(s, g, batch, runs);
        return new FineTuneStepTimes(baseline, dense, compressed, runs);
      }
    }
  }

  private static boolean allCompressed(Session s, FineTuneGraph g) {
    for (FineTuneGraph.Chosen c : g.chosen.values()) {
      CompressedWeight w = c.weight();
      if (w.phase(s) != Phase.COMPRESSED) {
        return false;
      }
    }
    return true;
  }

  /** Median wall time of one train step in the graph's current phase, in milliseconds, after warm-up. */
  private static double time(Session s, FineTuneGraph g, TrainingData.Batch batch, int runs) {
    List<Tensor> open = new ArrayList<>();
    try {
      Map<Operand<?>, Tensor> feeds = g.feeds(batch, open);
      Phase phase = g.trainer.phase(s);
      double[] millis = new double[runs];
      for (int i = -Math.max(3, runs / 2); i < runs; i++) {
        Session.Runner r = s.runner();
        feeds.forEach(r::feed);
        long t0 = System.nanoTime();
        try (var done = r.addTarget(g.trainer.trainOp(phase)).run()) {
          if (i >= 0) {
            millis[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
      }
      Arrays.sort(millis);
      return millis[runs / 2];
    } finally {
      open.forEach(Tensor::close);
    }
  }
}
