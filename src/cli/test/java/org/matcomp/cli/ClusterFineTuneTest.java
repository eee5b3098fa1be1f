package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.matcomp.CliRequirements;
import org.matcomp.demo.data.FashionMnist;
import org.matcomp.python.Zoo;
import org.tensorflow.SavedModelBundle;

/**
 * {@code finetune --cluster} on loopback, every task its own JVM as in production: a ps and two workers fine-tune
 * the zoo MLP with low-rank compression; the result is compared with one process on the same steps; the ps is
 * killed (SIGKILL) and restarted mid-run, then a worker is killed.
 */
class ClusterFineTuneTest {
  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();
  private Path train;
  private Path eval;
  private Path cluster;
  private Zoo.Model mlp;

  @BeforeEach
  void data() throws Exception {
    CliRequirements.fashionMnist();
    mlp = Zoo.model("mlp");
    // the whole test set: on 2000 examples one standard error of the accuracy is 0.75 pt, more than the margin
    train = FashionMnist.writeFinetuneData(dir, "train", FashionMnist.train(FashionMnist.DEFAULT_DIR), 60000);
    eval = FashionMnist.writeFinetuneData(dir, "eval", FashionMnist.test(FashionMnist.DEFAULT_DIR), 10000);
    cluster = Files.writeString(dir.resolve("cluster.json"), String.format(
        "{\"ps\": [\"localhost:%d\"], \"worker\": [\"localhost:%d\", \"localhost:%d\"]}", freePort(), freePort(),
        freePort()));
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  private static int freePort() throws IOException {
    return ChildJvm.freePort();
  }

  /** A matcomp task in a JVM of its own, its output in {@code dir/<log>.log}. */
  private Process start(String log, String... args) throws IOException {
    Process p = ChildJvm.start(dir.resolve(log + ".log"), List.of(args));
    processes.add(p);
    return p;
  }

  private List<String> finetune(Path out, long steps, String... extra) {
    List<String> a = new ArrayList<>(List.of("finetune", mlp.dir().toString(), out.toString(), "--method", "lowrank",
        "--rank", "16", "--layers", "dense_", "--train", train.toString(), "--eval", eval.toString(), "--loss",
        "sparse-categorical", "--steps", Long.toString(steps)));
    a.addAll(List.of(extra));
    return a;
  }

  private String[] replica(Path out, long steps, int task, String... extra) {
    List<String> a = finetune(out, steps, "--cluster", cluster.toString(), "--task", Integer.toString(task),
        "--checkpoint-dir", dir.resolve("checkpoints").toString(), "--checkpoint-every", "100");
    a.addAll(List.of(extra));
    if (!a.contains("--cluster-timeout")) {
      a.addAll(List.of("--cluster-timeout", "30"));
    }
    return a.toArray(String[]::new);
  }

  private Process ps() throws IOException {
    return start("ps", "cluster", "ps", "--cluster", cluster.toString(), "--task", "0");
  }

  private int exit(Process p, String log) throws Exception {
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), log + " did not finish: " + log(log));
    return p.exitValue();
  }

  private String log(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".log"));
  }

  private JsonObject json(Path p) throws IOException {
    return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
  }

  private void awaitCheckpoint() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!Files.exists(dir.resolve("checkpoints").resolve("latest"))) {
      assertTrue(System.nanoTime() < deadline, "no checkpoint within 3 minutes");
      Thread.sleep(100);
    }
  }

  /** One process's fine-tune of 600 steps (the reference both cluster tests compare with). */
  private JsonObject oneProcess() throws Exception {
    Cli.Run single = Cli.run(finetune(dir.resolve("single"), 600, "--json", dir.resolve("single.json").toString())
        .toArray(String[]::new));
    assertEquals(0, single.exit(), single.err());
    return json(dir.resolve("single.json"));
  }

  /**
   * A cluster of one replica trains exactly as one process, to the last example: the same batches in the same
   * order, the same updates at the same steps, the same optimizer — the cluster's machinery (placement, step claims,
   * schedule reads, sessions through a server) changes nothing.
   */
  @Test
  void oneReplicaOnAClusterTrainsExactlyAsOneProcess() throws Exception {
    cluster = Files.writeString(dir.resolve("cluster1.json"), String.format(
        "{\"ps\": [\"localhost:%d\"], \"worker\": [\"localhost:%d\"]}", freePort(), freePort()));
    ps();
    Process w0 = start("chief", replica(dir.resolve("out"), 600, 0, "--json", dir.resolve("cluster.out.json")
        .toString()));
    assertEquals(0, exit(w0, "chief"), log("chief"));
    JsonObject c = json(dir.resolve("cluster.out.json"));
    JsonObject s = oneProcess();
    for (String metric : List.of("metric_original", "metric_post_hoc", "metric_fine_tuned")) {
      assertEquals(s.get(metric).getAsDouble(), c.get(metric).getAsDouble(), 0, metric);
    }
  }

  @Test
  void aPsAndTwoWorkersShareTheStepsAndFineTuneTheZooMlp() throws Exception {
    ps();
    Process w1 = start("worker1", replica(dir.resolve("out1"), 600, 1));
    Process w0 = start("chief", replica(dir.resolve("out"), 600, 0, "--json", dir.resolve("cluster.out.json")
        .toString()));
    assertEquals(0, exit(w0, "chief"), log("chief"));
    assertEquals(0, exit(w1, "worker1"), log("worker1"));
    assertFalse(Files.exists(dir.resolve("out1")), "only the chief exports");
    JsonObject c = json(dir.resolve("cluster.out.json"));
    JsonObject s = oneProcess();
    // the chief measures before any replica trains: the same model, the same numbers
    assertEquals(s.get("metric_original").getAsDouble(), c.get("metric_original").getAsDouble(), 0);
    assertEquals(s.get("metric_post_hoc").getAsDouble(), c.get("metric_post_hoc").getAsDouble(), 0);
    // Two replicas update asynchronously, which is not deterministic and costs accuracy here: 0.14 to 0.88 pt below
    // one process over six runs on an idle machine (mean 0.60), 1.44 pt once with a full build beside it. Within
    // 2.5 pt is what this test holds; far above the post-hoc model is what fine-tuning is for.
    double clustered = c.get("metric_fine_tuned").getAsDouble();
    double alone = s.get("metric_fine_tuned").getAsDouble();
    assertEquals(alone, clustered, 0.025, "cluster " + clustered + " vs one process " + alone);
    assertTrue(clustered > c.get("metric_post_hoc").getAsDouble() + 0.05, c.toString());
    int chiefSteps = Integer.parseInt(c.toString().replaceAll(".*the chief trained (\\d+) of the 600 steps.*",
        "$1"));
    int workerSteps = Integer.parseInt(log("worker1").replaceAll("(?s).*task worker:1 trained (\\d+) of.*", "$1"));
    assertEquals(600, chiefSteps + workerSteps, "every step trained once: " + chiefSteps + " + " + workerSteps);
  }

  /**
   * In sync each step's batch is split between the two replicas and their averaged gradients applied once: the
   * one-process step, so the one-process result up to float sums in another order (measured +0.04 pt).
   */
  @Test
  void twoWorkersInSyncFineTuneAsOneProcessDoes() throws Exception {
    ps();
    Process w1 = start("worker1", replica(dir.resolve("out1"), 600, 1, "--updates", "sync"));
    Process w0 = start("chief", replica(dir.resolve("out"), 600, 0, "--updates", "sync", "--json",
        dir.resolve("cluster.out.json").toString()));
    assertEquals(0, exit(w0, "chief"), log("chief"));
    assertEquals(0, exit(w1, "worker1"), log("worker1"));
    JsonObject c = json(dir.resolve("cluster.out.json"));
    JsonObject s = oneProcess();
    double clustered = c.get("metric_fine_tuned").getAsDouble();
    double alone = s.get("metric_fine_tuned").getAsDouble();
    assertEquals(alone, clustered, 0.005, "cluster " + clustered + " vs one process " + alone);
    assertTrue(c.toString().contains("(synchronous: each step's batch split among them, their gradients averaged):"
        + " the chief trained 600 of the 600 steps"), c.toString());
    assertTrue(log("worker1").contains("task worker:1 trained 600 of the 600 steps"), log("worker1"));
  }

  /** A sync step waits for every replica: with one gone for good the chief stops in one line, within its timeout. */
  @Test
  void aSyncRunWithAWorkerGoneStopsInOneLine() throws Exception {
    ps();
    Process w1 = start("worker1", replica(dir.resolve("out1"), 1000, 1, "--updates", "sync", "--cluster-timeout",
        "5"));
    Process w0 = start("chief", replica(dir.resolve("out"), 1000, 0, "--updates", "sync", "--cluster-timeout", "5"));
    awaitCheckpoint();
    w1.destroyForcibly().waitFor();
    long t0 = System.nanoTime();
    assertEquals(2, exit(w0, "chief"), log("chief"));
    assertTrue((System.nanoTime() - t0) / 1e9 < 20, "stopped after " + (System.nanoTime() - t0) / 1e9 + " s");
    List<String> errors = log("chief").lines().filter(l -> l.startsWith("matcomp finetune:")).toList();
    assertEquals(1, errors.size(), log("chief"));
    assertTrue(errors.get(0).startsWith("matcomp finetune: no synchronous step completed within 5 s (each waits for"
        + " every replica's gradients: is one down?)"), errors.get(0));
    assertFalse(Files.exists(dir.resolve("out")), "no half-written output");
  }

  @ParameterizedTest
  @ValueSource(strings = {"async", "sync"})
  void aKilledAndRestartedPsResumesFromTheLastCheckpoint(String updates) throws Exception {
    Process ps = ps();
    Process w1 = start("worker1", replica(dir.resolve("out1"), 1500, 1, "--updates", updates));
    Process w0 = start("chief", replica(dir.resolve("out"), 1500, 0, "--updates", updates, "--json",
        dir.resolve("report.json").toString()));
    awaitCheckpoint();
    ps.destroyForcibly().waitFor();
    Thread.sleep(2000);
    start("ps-restarted", "cluster", "ps", "--cluster", cluster.toString(), "--task", "0");
    assertEquals(0, exit(w0, "chief"), log("chief"));
    assertEquals(0, exit(w1, "worker1"), log("worker1"));
    assertTrue(log("chief").contains("restored the checkpoint of step"), log("chief"));
    assertTrue(log("worker1").contains("lost the cluster"), log("worker1"));
    JsonObject r = json(dir.resolve("report.json"));
    // the global step came back with the checkpoint: the steps since were trained again, and counted once
    assertTrue(r.toString().contains("of the 1500 steps"), r.toString());
    assertTrue(r.get("metric_fine_tuned").getAsDouble() > r.get("metric_post_hoc").getAsDouble() + 0.05,
        r.toString());
    try (SavedModelBundle b = SavedModelBundle.load(dir.resolve("out").toString(), "serve")) {
      assertTrue(b.signatures().size() > 0);
    }
  }

  @Test
  void killingAWorkerLeavesTheChiefToFinish() throws Exception {
    ps();
    Process w1 = start("worker1", replica(dir.resolve("out1"), 1000, 1));
    Process w0 = start("chief", replica(dir.resolve("out"), 1000, 0, "--json", dir.resolve("report.json")
        .toString()));
    awaitCheckpoint();
    w1.destroyForcibly().waitFor();
    assertEquals(0, exit(w0, "chief"), log("chief"));
    assertTrue(Files.exists(dir.resolve("out").resolve("saved_model.pb")));
    assertTrue(json(dir.resolve("report.json")).get("metric_fine_tuned").getAsDouble() > 0.7);
  }

  @Test
  void aPsThatNeverComesUpFailsWithinTheTimeoutInOneLine() throws Exception {
    Process w0 = start("chief", replica(dir.resolve("out"), 100, 0, "--cluster-timeout", "3"));
    assertEquals(2, exit(w0, "chief"), log("chief"));
    String err = log("chief").lines().filter(l -> l.startsWith("matcomp finetune:")).findFirst().orElse(log("chief"));
    assertTrue(err.contains("task ps:0 (localhost:") && err.contains("did not come up within 3 s"), err);
    assertFalse(Files.exists(dir.resolve("out")));
  }
}
