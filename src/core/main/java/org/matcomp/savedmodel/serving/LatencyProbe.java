package org.matcomp.savedmodel.serving;

import java.util.LinkedHashMap;
import java.util.Map;
import org.matcomp.savedmodel.export.SampleInputs;
import org.matcomp.savedmodel.export.TensorValue;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.proto.SignatureDef;

/**
 * Times a signature of two loaded models on the same random inputs, the calls interleaved (one of A, one of B, ...)
 * so that a machine's drift touches both alike: what {@code compress --verify}, {@code finetune} and {@code bench
 * serve} report.
 */
public final class LatencyProbe {
  /** The two models' latencies, measured together. */
  public record Pair(String signature, Latency before, Latency after) {}

  private LatencyProbe() {}

  /**
   * {@code runs} timed calls of each model after {@code warmup} untimed ones, at {@code batch} random examples (the
   * signature's fixed batch size wins), or null when the signature's inputs cannot be made up.
   */
  public static Pair paired(SavedModelBundle a, SavedModelBundle b, String signature, SignatureDef def, int batch,
      int warmup, int runs) {
    var sample = SampleInputs.random(def, batch, 17);
    if (sample.isEmpty()) {
      return null;
    }
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    try {
      int rows = batch;
      for (Map.Entry<String, TensorValue> e : sample.get().feeds().entrySet()) {
        feeds.put(e.getKey(), e.getValue().toTensor());
        rows = e.getValue().shape().length > 0 ? (int) e.getValue().shape()[0] : batch;
      }
      for (int i = 0; i < warmup; i++) {
        call(a, signature, feeds);
        call(b, signature, feeds);
      }
      double[] ta = new double[runs];
      double[] tb = new double[runs];
      for (int i = 0; i < runs; i++) {
        ta[i] = call(a, signature, feeds);
        tb[i] = call(b, signature, feeds);
      }
      return new Pair(signature, Latency.of(rows, ta), Latency.of(rows, tb));
    } finally {
      feeds.values().forEach(Tensor::close);
    }
  }

  /** One call's seconds. */
  static double call(SavedModelBundle model, String signature, Map<String, Tensor> feeds) {
    long t0 = System.nanoTime();
    try (Result r = model.function(signature).call(feeds)) {
      r.size();
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
