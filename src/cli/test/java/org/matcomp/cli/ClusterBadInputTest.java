package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.savedmodel.TinyModels;

/**
 * A cluster run's bad inputs, each refused in one line with exit 2 before any server starts or anything is written:
 * a cluster file that does not parse, a task out of range, two chiefs, a ps given a replica's command, a port in use.
 */
class ClusterBadInputTest {
  @TempDir
  Path dir;

  private Cli.Run finetune(String clusterJson, String... extra) throws Exception {
    Path cluster = Files.writeString(dir.resolve("cluster.json"), clusterJson);
    List<String> a = new ArrayList<>(List.of("finetune", TinyModels.TF2.toString(), dir.resolve("out").toString(),
        "--method", "lowrank", "--train", data().toString(), "--eval", data().toString(), "--loss", "mse",
        "--cluster", cluster.toString(), "--checkpoint-dir", dir.resolve("ckpt").toString()));
    a.addAll(List.of(extra));
    return Cli.run(a.toArray(String[]::new));
  }

  private Path data() throws Exception {
    return Files.createDirectories(dir.resolve("data"));
  }

  private void assertRefused(Cli.Run r, String message) {
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"ps\": [\"localhost:1\"], \"worker\": [|is not JSON",
      "{\"ps\": [\"localhost:1\"], \"worker\": [\"localhost:2\"]}|task worker:3 is out of range: job worker has 1"
          + " task (0..0)",
      "{\"ps\": [\"localhost:1\"], \"chief\": [\"localhost:2\", \"localhost:3\"]}|the cluster names 2 chiefs",
      "{\"ps\": [\"localhost:1\"], \"worker\": [\"localhost:1\"]}|cluster address 'localhost:1' is used by two tasks",
      "{\"worker\": [\"localhost:2\"]}|the cluster has no ps task",
      "{\"ps\": [\"localhost\"], \"worker\": [\"localhost:2\"]}|cluster address 'localhost' of job ps is not host:port"})
  void aBadClusterIsRefused(String cluster, String message) throws Exception {
    assertRefused(finetune(cluster, "--task", "3"), message);
  }

  @Test
  void aParameterServerTaskCannotFineTune() throws Exception {
    assertRefused(finetune("{\"ps\": [\"localhost:1\"], \"worker\": [\"localhost:2\"]}", "--task", "ps:0"),
        "task ps:0 is a parameter server");
  }

  @Test
  void aPortInUseIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      assertRefused(finetune("{\"ps\": [\"localhost:1\"], \"worker\": [\"localhost:" + port + "\"]}", "--task", "0"),
          "port " + port + " of task worker:0 (localhost:" + port + ") is in use");
    }
  }

  @Test
  void aClusterRunNeedsASharedCheckpointDirectory() throws Exception {
    Path cluster = Files.writeString(dir.resolve("cluster.json"), "{\"ps\": [\"localhost:1\"], \"worker\":"
        + " [\"localhost:2\"]}");
    Cli.Run r = Cli.run("finetune", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--method", "lowrank",
        "--train", data().toString(), "--eval", data().toString(), "--loss", "mse", "--cluster", cluster.toString(),
        "--task", "0");
    assertRefused(r, "--cluster needs --checkpoint-dir DIR");
  }

  @Test
  void anUnknownUpdateModeIsNamed() throws Exception {
    assertRefused(finetune("{\"ps\": [\"localhost:1\"], \"worker\": [\"localhost:2\"]}", "--task", "0",
        "--updates", "sometimes"), "--updates sometimes is not one of async, sync");
  }

  @Test
  void updatesAreForClusterRuns() throws Exception {
    Cli.Run r = Cli.run("finetune", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--method", "lowrank",
        "--train", data().toString(), "--eval", data().toString(), "--loss", "mse", "--updates", "sync");
    assertRefused(r, "--updates is for --cluster runs");
  }

  @Test
  void trainOnAClusterIsForTheMlp() throws Exception {
    Path cluster = Files.writeString(dir.resolve("cluster.json"), "{\"ps\": [\"localhost:1\"], \"worker\":"
        + " [\"localhost:2\"]}");
    Cli.Run r = Cli.run("train", "--model", "ptb-lm", "--data-dir", data().toString(), "--cluster",
        cluster.toString(), "--task", "0", "--checkpoint-dir", dir.resolve("ckpt").toString());
    assertRefused(r, "--cluster trains --model mlp; ptb-lm trains in one process");
    Cli.Run sweep = Cli.run("train", "--sweep", "--cluster", cluster.toString(), "--task", "0", "--checkpoint-dir",
        dir.resolve("ckpt").toString());
    assertRefused(sweep, "--cluster trains one model; it does not go with --sweep");
  }
}
