package org.matcomp.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.matcomp.cli.ChildJvm;
import org.matcomp.cluster.ClusterSpec;
import org.matcomp.cluster.Replica;
import org.matcomp.cluster.TaskId;
import org.matcomp.cluster.Updates;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.demo.data.FashionMnist;
import org.matcomp.operator.Phase;
import org.matcomp.savedmodel.finetune.FineTuneListener;
import org.matcomp.savedmodel.finetune.FineTuneOptions;
import org.matcomp.savedmodel.finetune.Loss;
import org.matcomp.savedmodel.finetune.OutputForm;
import org.matcomp.savedmodel.finetune.SavedModelFineTuner;
import org.matcomp.spec.CompressionSpec;

/**
 * {@code bench cluster}: {@code finetune --cluster} of the zoo MLP (low rank 16 on its hidden layers) with a ps in a
 * JVM of its own and the chief in this one. Bytes per step between worker and ps — the loopback interface's counter
 * over a window of steps — while the model reads A (dense) and after the switch to the factors (goal: their ratio
 * near the compression ratio of the variables read); then steps a second with one replica and with two (the second
 * in a JVM of its own), asynchronous and synchronous, on 2 cores shared by every task.
 */
public final class ClusterBenchmark {
  private ClusterBenchmark() {}

  public static JsonObject run(Path zooDir, Path work, long steps) throws Exception {
    Path model = zooDir.resolve("mlp");
    if (!Files.isDirectory(model)) {
      throw new IllegalArgumentException("bench cluster needs the zoo's MLP in " + model + " (bench finetune or"
          + " python-interop/zoo/build_zoo.py builds it)");
    }
    Path train = FashionMnist.writeFinetuneData(work, "train", FashionMnist.train(FashionMnist.DEFAULT_DIR), 60000);
    Path eval = FashionMnist.writeFinetuneData(work, "eval", FashionMnist.test(FashionMnist.DEFAULT_DIR), 2000);
    JsonObject o = new JsonObject();
    o.addProperty("model", "zoo mlp, lowrank 16 on dense_1 (784x256) and dense_2 (256x128)");
    o.addProperty("steps", steps);
    o.addProperty("batch", 128);
    JsonArray runs = new JsonArray();
    runs.add(runCluster(model, train, eval, work.resolve("r1"), steps, 1, Updates.ASYNCHRONOUS));
    runs.add(runCluster(model, train, eval, work.resolve("r2"), steps, 2, Updates.ASYNCHRONOUS));
    runs.add(runCluster(model, train, eval, work.resolve("r2sync"), steps, 2, Updates.SYNCHRONOUS));
    o.add("runs", runs);
    JsonObject one = runs.get(0).getAsJsonObject();
    o.addProperty("bytes_per_step_ratio_dense_over_compressed", one.get("bytes_per_step_dense").getAsDouble()
        / one.get("bytes_per_step_compressed").getAsDouble());
    o.addProperty("steps_per_second_ratio_two_over_one", runs.get(1).getAsJsonObject().get("steps_per_second")
        .getAsDouble() / one.get("steps_per_second").getAsDouble());
    o.addProperty("steps_per_second_ratio_two_sync_over_one", runs.get(2).getAsJsonObject().get("steps_per_second")
        .getAsDouble() / one.get("steps_per_second").getAsDouble());
    return o;
  }

  private static JsonObject runCluster(Path model, Path train, Path eval, Path dir, long steps, int replicas,
      Updates updates) throws Exception {
    Files.createDirectories(dir);
    List<String> workers = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      workers.add("localhost:" + ChildJvm.freePort());
    }
    ClusterSpec cluster = new ClusterSpec(Map.of(ClusterSpec.PS, List.of("localhost:" + ChildJvm.freePort()),
        ClusterSpec.WORKER, workers));
    Path clusterFile = Files.writeString(dir.resolve("cluster.json"), "{\"ps\": [\"" + cluster.jobs().get("ps")
        .get(0) + "\"], \"worker\": [\"" + String.join("\", \"", workers) + "\"]}");
    List<Process> children = new ArrayList<>();
    try {
      children.add(ChildJvm.start(dir.resolve("ps.log"), List.of("cluster", "ps", "--cluster",
          clusterFile.toString(), "--task", "0")));
      for (int i = 1; i < replicas; i++) {
        children.add(ChildJvm.start(dir.resolve("worker" + i + ".log"), List.of("finetune", model.toString(),
            dir.resolve("out" + i).toString(), "--method", "lowrank", "--rank", "16", "--layers", "dense_", "--train",
            train.toString(), "--eval", eval.toString(), "--loss", "sparse-categorical", "--steps",
            Long.toString(steps), "--cluster", clusterFile.toString(), "--task", Integer.toString(i),
            "--checkpoint-dir", dir.resolve("ckpt").toString(), "--checkpoint-every", Long.toString(steps),
            "--updates", updates.flag())));
      }
      CompressionSpec spec = SavedModelFineTuner.scheduleDefaults(steps).method(LowRankMethod.INSTANCE)
          .absoluteRank(16).build();
      FineTuneOptions o = FineTuneOptions.of(model, dir.resolve("out"), spec,
          Loss.parse("sparse-categorical", OutputForm.LOGITS)).withLayers("dense_").withTraining(steps, 128, 1e-3f);
      Window dense = new Window(steps / 10, steps * 25 / 100);
      Window compressed = new Window(steps * 75 / 100, steps * 95 / 100);
      long[] span = new long[3];
      FineTuneListener listener = new FineTuneListener() {
        @Override
        public void stepped(long step, float loss, Phase phase) {
          dense.at(step, phase == Phase.DENSE);
          compressed.at(step, phase == Phase.COMPRESSED);
          if (span[2]++ == 0) {
            span[0] = System.nanoTime();
          }
          span[1] = System.nanoTime();
        }
      };
      SavedModelFineTuner.runReplica(o, train, eval, listener, Replica.start(cluster, new TaskId("worker", 0),
          dir.resolve("ckpt"), steps, Duration.ofSeconds(60), updates));
      JsonObject r = new JsonObject();
      r.addProperty("replicas", replicas);
      r.addProperty("updates", updates.flag());
      r.addProperty("bytes_per_step_dense", dense.bytesPerStep());
      r.addProperty("bytes_per_step_compressed", compressed.bytesPerStep());
      // the chief's first to last step: every replica trains in that span
      r.addProperty("steps_per_second", steps / ((span[1] - span[0]) / 1e9));
      return r;
    } finally {
      children.forEach(Process::destroyForcibly);
    }
  }

  /** The loopback bytes between two of the chief's steps, counted only while a whole window is in one phase. */
  private static final class Window {
    private final long from;
    private final long to;
    private long bytesFrom = -1;
    private long stepFrom;
    private double perStep = Double.NaN;

    Window(long from, long to) {
      this.from = from;
      this.to = to;
    }

    void at(long step, boolean inPhase) {
      if (!inPhase) {
        return;
      }
      if (bytesFrom < 0 && step >= from) {
        bytesFrom = loopbackBytes();
        stepFrom = step;
      } else if (bytesFrom >= 0 && Double.isNaN(perStep) && step >= to) {
        perStep = (double) (loopbackBytes() - bytesFrom) / (step - stepFrom);
      }
    }

    double bytesPerStep() {
      return perStep;
    }
  }

  /** Bytes received on the loopback interface since boot (every byte a task sends another arrives there once). */
  static long loopbackBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/dev"))) {
        String t = line.strip();
        if (t.startsWith("lo:")) {
          return Long.parseLong(t.substring(3).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/net/dev", e);
    }
    throw new IllegalStateException("no loopback interface in /proc/net/dev");
  }

}
