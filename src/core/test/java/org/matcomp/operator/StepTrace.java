package org.matcomp.operator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * The nodes one {@code Session.run} executed, from a FULL_TRACE step-stats record. TF's executor records only nodes
 * whose kernel ran: nodes skipped as dead are absent, which is what makes this a proof that a branch did not run.
 */
final class StepTrace {
  private StepTrace() {}

  /** Node name → op type (as executed, after Grappler) of every node the run executed. */
  static Map<String, String> executed(Session.Runner runner) {
    RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    try (Result r = runner.setOptions(trace).runAndFetchMetadata()) {
      RunMetadata md = r.getMetadata().orElseThrow(() -> new AssertionError("no run metadata"));
      Map<String, String> nodes = new LinkedHashMap<>();
      for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
        for (NodeExecStats n : d.getNodeStatsList()) {
          nodes.put(n.getNodeName(), opType(n.getTimelineLabel()));
        }
      }
      return nodes;
    }
  }

  /** Timeline labels read "name = Type(inputs)". */
  private static String opType(String label) {
    int eq = label.indexOf(" = ");
    int paren = label.indexOf('(', Math.max(eq, 0));
    return eq < 0 || paren < 0 ? label : label.substring(eq + 3, paren);
  }

  /** How many executed nodes are MatMuls; oneDNN builds run them as {@code _MklMatMul}. */
  static long matMuls(Map<String, String> nodes) {
    return nodes.values().stream().filter(t -> t.equals("MatMul") || t.equals("_MklMatMul")).count();
  }
}
