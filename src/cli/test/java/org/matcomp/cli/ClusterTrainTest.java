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
import org.matcomp.CliRequirements;

/**
 * {@code train --cluster} of the Fashion-MNIST MLP demo, every task its own JVM on loopback: two replicas in sync
 * train the model one replica trains — the same batches, each step's split in two and the gradients averaged.
 */
class ClusterTrainTest {
  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void data() {
    CliRequirements.fashionMnist();
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process start(String log, List<String> args) throws IOException {
    Process p = ChildJvm.start(dir.resolve(log + ".log"), args);
    processes.add(p);
    return p;
  }

  private int exit(Process p, String log) throws Exception {
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), log + " did not finish: " + log(log));
    return p.exitValue();
  }

  private String log(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".log"));
  }

  private static List<String> replica(Path cluster, Path checkpoints, int task, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--model", "mlp", "--hidden", "128,64", "--method", "lowrank",
        "--rank", "8", "--steps", "1000", "--no-progress", "--cluster", cluster.toString(), "--task",
        Integer.toString(task), "--checkpoint-dir", checkpoints.toString(), "--cluster-timeout", "30", "--updates",
        "sync"));
    a.addAll(List.of(extra));
    return a;
  }

  /** A run of a ps and {@code workers} replicas; the chief's report. */
  private JsonObject run(String name, int workers) throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      addresses.add("\"localhost:" + ChildJvm.freePort() + "\"");
    }
    Path cluster = Files.writeString(dir.resolve(name + ".json"), "{\"ps\": [\"localhost:" + ChildJvm.freePort()
        + "\"], \"worker\": [" + String.join(", ", addresses) + "]}");
    Path checkpoints = dir.resolve(name + "-ckpt");
    start(name + "-ps", List.of("cluster", "ps", "--cluster", cluster.toString(), "--task", "0"));
    List<Process> others = new ArrayList<>();
    for (int i = 1; i < workers; i++) {
      others.add(start(name + "-worker" + i, replica(cluster, checkpoints, i)));
    }
    Path report = dir.resolve(name + "-report.json");
    Process chief = start(name + "-chief", replica(cluster, checkpoints, 0, "--json", report.toString()));
    assertEquals(0, exit(chief, name + "-chief"), log(name + "-chief"));
    for (int i = 1; i < workers; i++) {
      assertEquals(0, exit(others.get(i - 1), name + "-worker" + i), log(name + "-worker" + i));
      assertTrue(log(name + "-worker" + i).contains("task worker:" + i + " trained 1000 of the 1000 steps"),
          log(name + "-worker" + i));
    }
    assertTrue(log(name + "-chief").contains("task worker:0 trained 1000 of the 1000 steps"), log(name + "-chief"));
    return JsonParser.parseString(Files.readString(report)).getAsJsonObject();
  }

  @Test
  void twoReplicasInSyncTrainTheMlpAsOneReplicaDoes() throws Exception {
    JsonObject one = run("one", 1);
    JsonObject two = run("two", 2);
    double a = one.get("accuracy").getAsDouble();
    double b = two.get("accuracy").getAsDouble();
    assertTrue(a > 0.8, one.toString());
    assertEquals(a, b, 0.005, "one replica " + a + ", two in sync " + b);
    assertEquals(one.get("compression_ratio").getAsDouble(), two.get("compression_ratio").getAsDouble(), 0);
    assertFalse(Files.exists(dir.resolve("two-worker1-report.json")), "only the chief reports");
  }
}
