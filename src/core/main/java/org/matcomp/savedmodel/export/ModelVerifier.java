package org.matcomp.savedmodel.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.SignatureDef;
import org.matcomp.savedmodel.trace.SavedModelDirectory;

/**
 * Runs each signature of the original and the compressed model on the same inputs and compares the outputs. A
 * compressed model that fails to run is an error (the caller then never moves it into place).
 */
public final class ModelVerifier {
  private ModelVerifier() {}

  public static VerifyReport verify(SavedModelBundle original, SavedModelBundle compressed,
      Map<String, SignatureDef> signatures, Function<String, List<SampleInputs.Batch>> inputs) {
    List<VerifyReport.SignatureCheck> checks = new ArrayList<>();
    for (Map.Entry<String, SignatureDef> e : signatures.entrySet()) {
      String key = e.getKey();
      List<SampleInputs.Batch> batches = inputs.apply(key);
      if (batches.isEmpty()) {
        checks.add(new VerifyReport.SignatureCheck(key, 0, Map.of(), 0, Double.NaN, Double.NaN,
            "no sample inputs for its input dtypes"));
        continue;
      }
      Map<String, VerifyReport.Diff> diffs = new TreeMap<>();
      int examples = 0;
      int labelled = 0;
      int correctBefore = 0;
      int correctAfter = 0;
      for (SampleInputs.Batch b : batches) {
        Map<String, TensorValue> before = run(original, key, b, "original");
        Map<String, TensorValue> after = run(compressed, key, b, "compressed");
        examples += rows(b);
        for (String out : before.keySet()) {
          double[] x = before.get(out).asDoubles();
          double[] y = after.get(out).asDoubles();
          if (x.length != y.length) {
            throw new IllegalStateException("signature " + key + " output " + out + " has " + y.length
                + " entries after compression, " + x.length + " before");
          }
          double max = 0;
          double sum = 0;
          for (int i = 0; i < x.length; i++) {
            double d = Math.abs(x[i] - y[i]);
            max = Double.isNaN(d) ? Double.NaN : Math.max(max, d);
            sum += d;
          }
          diffs.merge(out, new VerifyReport.Diff(max, sum, x.length), VerifyReport.Diff::plus);
        }
        if (b.labels() != null) {
          String out = classifierOutput(before, b.labels());
          if (out != null) {
            labelled += b.labels().length;
            correctBefore += correct(before.get(out), b.labels());
            correctAfter += correct(after.get(out), b.labels());
          }
        }
      }
      checks.add(new VerifyReport.SignatureCheck(key, examples, diffs, labelled,
          labelled == 0 ? Double.NaN : (double) correctBefore / labelled,
          labelled == 0 ? Double.NaN : (double) correctAfter / labelled, null));
    }
    return new VerifyReport(checks);
  }

  /** The batch size: the largest leading dimension among the feeds (a scalar feed, e.g. a cond's flag, has none). */
  private static int rows(SampleInputs.Batch b) {
    int rows = 1;
    for (TensorValue v : b.feeds().values()) {
      if (v.shape().length > 0) {
        rows = Math.max(rows, (int) v.shape()[0]);
      }
    }
    return rows;
  }

  static Map<String, TensorValue> run(SavedModelBundle model, String signature, SampleInputs.Batch b, String which) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    try {
      b.feeds().forEach((k, v) -> feeds.put(k, v.toTensor()));
      try (Result r = model.function(signature).call(feeds)) {
        Map<String, TensorValue> out = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : r) {
          out.put(e.getKey(), TensorValue.of(e.getValue()));
        }
        return out;
      }
    } catch (TensorFlowException e) {
      throw new IllegalStateException("the " + which + " model fails to run signature " + signature + ": "
          + SavedModelDirectory.firstLine(e.getMessage()), e);
    } finally {
      feeds.values().forEach(Tensor::close);
    }
  }

  /** The first output shaped [batch, classes] with classes above every label, or null. */
  private static String classifierOutput(Map<String, TensorValue> outs, int[] labels) {
    int maxLabel = 0;
    for (int l : labels) {
      maxLabel = Math.max(maxLabel, l);
    }
    for (Map.Entry<String, TensorValue> e : outs.entrySet()) {
      long[] s = e.getValue().shape();
      if (s.length == 2 && s[0] == labels.length && s[1] > maxLabel) {
        return e.getKey();
      }
    }
    return null;
  }

  private static int correct(TensorValue scores, int[] labels) {
    double[] v = scores.asDoubles();
    int classes = (int) scores.shape()[1];
    int ok = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (v[i * classes + c] > v[i * classes + best]) {
          best = c;
        }
      }
      ok += best == labels[i] ? 1 : 0;
    }
    return ok;
  }
}
