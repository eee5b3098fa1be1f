package org.matcomp.savedmodel.serving;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.matcomp.nativelib.ProcessEnvironment;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;

/**
 * Loading a SavedModel for serving from Java: TensorFlow's thread pools and, optionally, XLA's JIT. TF Java 1.1.0's
 * CPU runtime has XLA (it logs "Compiled cluster using XLA!"), but on the CPU auto-clustering is switched on only by
 * {@code TF_XLA_FLAGS}, read once per process before the first session: a ConfigProto jit level alone does nothing
 * there. Measured on the zoo CNN it made serving slower (see the README), so it is off unless asked for.
 */
public final class ServingSessions {
  /** The flags that turn XLA auto-clustering on for the CPU. */
  public static final String XLA_FLAGS = "--tf_xla_auto_jit=2 --tf_xla_cpu_global_jit";

  private ServingSessions() {}

  /** Session options: intra- and inter-op threads (TensorFlow's default when empty), XLA's global jit level. */
  public static ConfigProto config(OptionalInt threads, boolean xla) {
    ConfigProto.Builder c = ConfigProto.newBuilder();
    threads.ifPresent(t -> c.setIntraOpParallelismThreads(t).setInterOpParallelismThreads(t));
    if (xla) {
      c.setGraphOptions(GraphOptions.newBuilder().setOptimizerOptions(OptimizerOptions.newBuilder()
          .setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
    }
    return c.build();
  }

  /**
   * Turns XLA's CPU JIT on for this process; false when {@code TF_XLA_FLAGS} is already set to something else. Call
   * it before TensorFlow opens its first session.
   */
  public static boolean enableXla() {
    return ProcessEnvironment.setIfAbsent("TF_XLA_FLAGS", XLA_FLAGS) || XLA_FLAGS.equals(System.getenv("TF_XLA_FLAGS"));
  }

  /** {@code dir} loaded with tag {@code tag} for serving ({@link #config}); with XLA, {@link #enableXla} first. */
  public static SavedModelBundle load(Path dir, String tag, OptionalInt threads, boolean xla) {
    if (xla && !enableXla()) {
      throw new IllegalArgumentException("XLA: TF_XLA_FLAGS is already set to '" + System.getenv("TF_XLA_FLAGS")
          + "'; unset it or set it to '" + XLA_FLAGS + "'");
    }
    return SavedModelBundle.loader(dir.toString()).withTags(tag).withConfigProto(config(threads, xla)).load();
  }
}
