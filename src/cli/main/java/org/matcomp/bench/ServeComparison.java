package org.matcomp.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.matcomp.savedmodel.serving.LatencyProbe;
import org.matcomp.savedmodel.serving.ServingSessions;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.SignatureDef;

/**
 * {@code bench serve ORIGINAL COMPRESSED}: the user's two SavedModels served side by side in one process — every
 * signature at every batch size, calls interleaved: median and 99th-percentile latency, examples a second, and the
 * resident memory each model adds when it loads. Optionally with TF's XLA JIT on the CPU.
 */
public final class ServeComparison {
  private ServeComparison() {}

  public static JsonObject run(Path original, Path compressed, List<Integer> batchSizes, Integer threads,
      boolean xla, int warmup, int runs) throws IOException {
    for (int b : batchSizes) {
      if (b <= 0) {
        throw new IllegalArgumentException("--batch-sizes " + batchSizes + ": every batch size must be positive");
      }
    }
    if (threads != null && threads <= 0) {
      throw new IllegalArgumentException("--threads " + threads + " must be positive");
    }
    SavedModelDirectory a = SavedModelDirectory.open(original, "serve");
    SavedModelDirectory b = SavedModelDirectory.open(compressed, "serve");
    requireSameSignatures(a.signatures(), b.signatures());
    if (xla && !ServingSessions.enableXla()) {
      throw new IllegalArgumentException("--xla: TF_XLA_FLAGS is already set to '" + System.getenv("TF_XLA_FLAGS")
          + "'; unset it or set it to '" + ServingSessions.XLA_FLAGS + "'");
    }
    ConfigProto config = ServingSessions.config(threads == null ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(threads), xla);
    warmUpRuntime(config);
    JsonObject o = new JsonObject();
    o.addProperty("original", original.toString());
    o.addProperty("compressed", compressed.toString());
    o.addProperty("xla", xla);
    if (threads != null) {
      o.addProperty("threads", threads);
    }
    long rss0 = residentBytes();
    try (SavedModelBundle ma = load(original, config)) {
      long rss1 = residentBytes();
      try (SavedModelBundle mb = load(compressed, config)) {
        long rss2 = residentBytes();
        o.addProperty("original_rss_bytes_after_load", rss1 - rss0);
        o.addProperty("compressed_rss_bytes_after_load", rss2 - rss1);
        o.addProperty("original_variables_disk_bytes", a.variablesDiskBytes());
        o.addProperty("compressed_variables_disk_bytes", b.variablesDiskBytes());
        JsonArray results = new JsonArray();
        for (Map.Entry<String, SignatureDef> e : a.signatures().entrySet()) {
          for (int batch : batchSizes) {
            LatencyProbe.Pair p = LatencyProbe.paired(ma, mb, e.getKey(), e.getValue(), batch, warmup, runs);
            if (p == null) {
              continue;
            }
            JsonObject r = new JsonObject();
            r.addProperty("signature", e.getKey());
            r.addProperty("batch", p.before().batch());
            r.addProperty("original_p50_ms", p.before().p50Ms());
            r.addProperty("compressed_p50_ms", p.after().p50Ms());
            r.addProperty("original_p99_ms", p.before().p99Ms());
            r.addProperty("compressed_p99_ms", p.after().p99Ms());
            r.addProperty("original_rows_per_s", p.before().rowsPerSecond());
            r.addProperty("compressed_rows_per_s", p.after().rowsPerSecond());
            r.addProperty("p50_ratio", p.after().p50Ms() / p.before().p50Ms());
            results.add(r);
          }
        }
        o.add("results", results);
      }
    }
    return o;
  }

  private static SavedModelBundle load(Path dir, ConfigProto config) {
    return SavedModelBundle.loader(dir.toString()).withTags("serve").withConfigProto(config).load();
  }

  /** The runtime's own memory (thread pools, kernels) is taken before the first model, so it counts for neither. */
  private static void warmUpRuntime(ConfigProto config) {
    try (Graph g = new Graph(); Session s = new Session(g, config)) {
      s.runner().fetch(org.tensorflow.op.Ops.create(g).constant(1f)).run().close();
    }
  }

  static void requireSameSignatures(Map<String, SignatureDef> a, Map<String, SignatureDef> b) {
    if (!a.keySet().equals(b.keySet())) {
      throw new IllegalArgumentException("COMPRESSED's signatures " + b.keySet() + " differ from ORIGINAL's "
          + a.keySet());
    }
    for (String k : a.keySet()) {
      if (!a.get(k).getInputsMap().keySet().equals(b.get(k).getInputsMap().keySet())
          || !a.get(k).getOutputsMap().keySet().equals(b.get(k).getOutputsMap().keySet())) {
        throw new IllegalArgumentException("signature '" + k + "' differs: ORIGINAL takes "
            + a.get(k).getInputsMap().keySet() + " and gives " + a.get(k).getOutputsMap().keySet()
            + ", COMPRESSED takes " + b.get(k).getInputsMap().keySet() + " and gives "
            + b.get(k).getOutputsMap().keySet());
      }
    }
  }

  /** This process's resident set (VmRSS), in bytes; 0 where /proc is not there. */
  static long residentBytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }
}
