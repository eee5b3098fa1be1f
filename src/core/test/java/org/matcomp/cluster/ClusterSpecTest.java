package org.matcomp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ServerDef;

/** The cluster as TF_CONFIG gives it, the chief, the server definition, and where the variables go. */
class ClusterSpecTest {
  private static final String TF_CONFIG = "{\"cluster\": {\"chief\": [\"h0:2000\"], \"worker\": [\"h1:2001\","
      + " \"h2:2002\"], \"ps\": [\"p0:3000\", \"p1:3001\"]}, \"task\": {\"type\": \"worker\", \"index\": 1}}";

  @Test
  void tfConfigGivesTheClusterAndTheTask() {
    ClusterSpec c = ClusterSpec.fromTfConfig(TF_CONFIG);
    assertEquals(new TaskId("worker", 1), ClusterSpec.taskOfTfConfig(TF_CONFIG));
    assertEquals(new TaskId("chief", 0), c.chief());
    assertEquals(List.of(new TaskId("chief", 0), new TaskId("worker", 0), new TaskId("worker", 1)), c.replicas());
    assertEquals("h2:2002", c.address(new TaskId("worker", 1)));
    ServerDef d = c.serverDef(new TaskId("ps", 1));
    assertEquals("ps", d.getJobName());
    assertEquals(1, d.getTaskIndex());
    assertEquals("grpc", d.getProtocol());
    assertEquals(3, d.getCluster().getJobCount());
  }

  @Test
  void withoutAChiefJobWorkerZeroIsTheChief() {
    ClusterSpec c = new ClusterSpec(Map.of("ps", List.of("a:1"), "worker", List.of("b:2", "c:3")));
    assertEquals(new TaskId("worker", 0), c.chief());
  }

  @Test
  void tasksParseAsIndexOrJobAndIndex() {
    assertEquals(new TaskId("worker", 2), TaskId.parse("2"));
    assertEquals(new TaskId("ps", 0), TaskId.parse("ps:0"));
    assertThrows(IllegalArgumentException.class, () -> TaskId.parse("ps:x"));
    assertThrows(IllegalArgumentException.class, () -> TaskId.parse("-1"));
  }

  /** Largest first, each to the least loaded ps task: 9 → p0, 5 → p1, 4 → p1, 1 → p0 (10 and 9 bytes). */
  @Test
  void variablesGoLargestFirstToTheLeastLoadedPsTask() {
    ClusterSpec c = ClusterSpec.fromTfConfig(TF_CONFIG);
    Map<String, Long> bytes = new LinkedHashMap<>();
    bytes.put("small", 1L);
    bytes.put("mid", 4L);
    bytes.put("big", 9L);
    bytes.put("five", 5L);
    VariablePlacement p = VariablePlacement.onParameterServers(c, bytes);
    assertEquals("ps:0", p.taskOf("big"));
    assertEquals("ps:1", p.taskOf("five"));
    assertEquals("ps:1", p.taskOf("mid"));
    assertEquals("ps:0", p.taskOf("small"));
    assertTrue(VariablePlacement.local().isLocal());
    assertThrows(IllegalArgumentException.class, () -> p.forVariable(null, "unknown"));
  }
}
