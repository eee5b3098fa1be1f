package org.matcomp.savedmodel.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.SignatureDef;

/**
 * The latency a report gives: every signature of the original and of its compressed export, at one example and at
 * 64, in one process, the calls interleaved.
 */
public final class ServingLatency {
  /** The batch sizes reports time. */
  public static final int[] BATCHES = {1, 64};
  static final int WARMUP = 5;
  static final int RUNS = 30;

  private ServingLatency() {}

  public static List<LatencyProbe.Pair> measure(SavedModelBundle original, SavedModelBundle compressed,
      Map<String, SignatureDef> signatures) {
    List<LatencyProbe.Pair> out = new ArrayList<>();
    for (Map.Entry<String, SignatureDef> e : signatures.entrySet()) {
      java.util.Set<Integer> seen = new java.util.HashSet<>();
      for (int batch : BATCHES) {
        LatencyProbe.Pair p = LatencyProbe.paired(original, compressed, e.getKey(), e.getValue(), batch, WARMUP,
            RUNS);
        // a signature with a fixed batch size is timed once
        if (p != null && seen.add(p.before().batch())) {
          out.add(p);
        }
      }
    }
    return out;
  }
}
