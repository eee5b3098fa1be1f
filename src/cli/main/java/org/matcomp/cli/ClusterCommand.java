package org.matcomp.cli;

import java.util.concurrent.Callable;
import org.matcomp.cluster.ClusterSpec;
import org.matcomp.cluster.TaskId;
import org.matcomp.cluster.TaskServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code matcomp cluster ps|worker|chief --cluster F --task N}: starts one task's TensorFlow server and serves until
 * the process is stopped. Parameter servers hold the variables; {@code train}/{@code finetune --cluster} start their
 * own worker server, so a worker started here serves a client elsewhere.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Start one task of a TensorFlow cluster (its gRPC server) and serve until stopped: 'cluster ps"
        + " --cluster CLUSTER.json --task 0' for a parameter server. Replicas that train run 'finetune ... --cluster"
        + " CLUSTER.json --task N'.")
final class ClusterCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "JOB", description = "ps, worker or chief")
  String job;

  @Mixin
  ClusterOptions clusterOptions = new ClusterOptions();

  @Override
  public Integer call() throws Exception {
    if (!job.equals(ClusterSpec.PS) && !job.equals(ClusterSpec.WORKER) && !job.equals(ClusterSpec.CHIEF)) {
      throw new IllegalArgumentException("JOB '" + job + "' is not ps, worker or chief");
    }
    ClusterSpec cluster = clusterOptions.spec();
    TaskId given = clusterOptions.task();
    TaskId task = given.job().equals(job) ? given : new TaskId(job, given.index());
    TaskServer server = TaskServer.start(cluster, task);
    spec.commandLine().getErr().println("task " + task + " serving at " + cluster.address(task)
        + " (stop the process to end it)");
    spec.commandLine().getErr().flush();
    server.join();
    return 0;
  }
}
