package org.matcomp.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.matcomp.cluster.Replica;
import org.matcomp.cluster.Updates;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags that make a training command ({@code train}, {@code finetune}) one replica of a cluster: which cluster
 * and task, where the chief checkpoints, and how the replicas update.
 */
final class ReplicaOptions {
  @Mixin
  ClusterOptions cluster = new ClusterOptions();

  @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "with --cluster: the directory every replica"
      + " sees where the chief checkpoints, and restores from when a ps lost the variables")
  Path checkpointDir;

  @Option(names = "--checkpoint-every", defaultValue = "100", paramLabel = "N", description = "with --cluster: steps"
      + " between checkpoints (default: ${DEFAULT-VALUE})")
  long checkpointEvery;

  @Option(names = "--updates", defaultValue = "async", paramLabel = "async|sync", description = "with --cluster:"
      + " each replica applies its own gradients as soon as it has them (async), or each step's batch is split among"
      + " the replicas and the chief applies their averaged gradients (sync: the one-process result, at the pace of"
      + " the slowest replica) (default: ${DEFAULT-VALUE})")
  String updates;

  /** The replica the flags name, checked, its server not started; null when the run is not on a cluster. */
  Replica replica() throws IOException {
    if (!cluster.present()) {
      if (checkpointDir != null) {
        throw new IllegalArgumentException("--checkpoint-dir is for --cluster runs");
      }
      if (!updates.equals(Updates.ASYNCHRONOUS.flag())) {
        throw new IllegalArgumentException("--updates is for --cluster runs");
      }
      return null;
    }
    if (checkpointDir == null) {
      throw new IllegalArgumentException("--cluster needs --checkpoint-dir DIR, shared by the replicas");
    }
    return new Replica(cluster.spec(), cluster.task(), checkpointDir, checkpointEvery, cluster.timeout(),
        Updates.parse(updates), null);
  }
}
