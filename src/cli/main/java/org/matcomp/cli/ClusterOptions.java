package org.matcomp.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.matcomp.cluster.ClusterSpec;
import org.matcomp.cluster.TaskId;
import picocli.CommandLine.Option;

/**
 * Which cluster and which task of it this process is: {@code --cluster FILE --task TASK}, or TF_CONFIG's {@code
 * cluster} and {@code task} when the flags are absent — the way TensorFlow's own launchers say it.
 */
final class ClusterOptions {
  @Option(names = "--cluster", paramLabel = "CLUSTER.json", description = "the cluster's tasks by job:"
      + " {\"ps\": [\"host:port\", ...], \"worker\": [...]} (optionally \"chief\": [one]), or a TF_CONFIG object;"
      + " without it, the environment variable TF_CONFIG")
  Path cluster;

  @Option(names = "--task", description = "this process's task: N (worker N) or JOB:N (ps:0, chief:0); default:"
      + " TF_CONFIG's task")
  String task;

  @Option(names = "--cluster-timeout", defaultValue = "60", paramLabel = "SECONDS", description = "how long a task"
      + " may be unreachable, or an operation hang, before the run fails (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  /** Whether this run is one task of a cluster. */
  boolean present() {
    return cluster != null || task != null;
  }

  ClusterSpec spec() throws IOException {
    if (cluster != null) {
      return ClusterSpec.read(cluster);
    }
    String tfConfig = System.getenv("TF_CONFIG");
    if (tfConfig == null) {
      throw new IllegalArgumentException("--task needs --cluster CLUSTER.json (or the environment variable"
          + " TF_CONFIG)");
    }
    return ClusterSpec.fromTfConfig(tfConfig);
  }

  TaskId task() {
    if (task != null) {
      return TaskId.parse(task);
    }
    String tfConfig = System.getenv("TF_CONFIG");
    if (tfConfig == null) {
      throw new IllegalArgumentException("--cluster needs --task N (or TF_CONFIG's task)");
    }
    return ClusterSpec.taskOfTfConfig(tfConfig);
  }

  Duration timeout() {
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException("--cluster-timeout " + timeoutSeconds + " is not positive");
    }
    return Duration.ofSeconds(timeoutSeconds);
  }
}
