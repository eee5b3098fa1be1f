package org.matcomp.bench;

import com.google.gson.JsonObject;
import java.util.List;
import org.matcomp.hostcallback.HostCallback;
import org.matcomp.hostcallback.HostCallbackOp;
import org.matcomp.hostcallback.HostCallbackRegistration;
import org.matcomp.hostcallback.HostCallbacks;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;

/**
 * What a {@code MatcompHostCallback} node costs beyond a TF {@code Identity} node, for 1 KB and 4 MB float tensors.
 *
 * <p>A single {@code Session.run} costs 60–100 µs and jitters by tens of µs on a shared 2-core machine, more than
 * the callback itself. So each measurement times a chain of L nodes in series (L = 100 for 1 KB, 10 for 4 MB)
 * against a chain of L Identity nodes over the same variable, and divides the difference by L: the fixed run cost
 * cancels. Grappler is switched off, because it would prune the Identity chain and leave no baseline. The two chains
 * alternate batch by batch ({@link StepTimer#paired}), so load from elsewhere hits both alike.
 *
 * <p>Two identity callbacks are measured: "copy" allocates a TF output and copies the input into it (what any
 * callback that computes a result pays: JNI upcall + output allocation + writing the data), the headline
 * {@code callback_overhead_us_*}; "forward" hands the input tensor through ({@code forwardInput}), which isolates the
 * upcall itself. TF's own {@code DeepCopy} node, measured the same way, says what the copy alone costs on this
 * machine at this moment, so a large-tensor overhead can be read as "JNI" or "memory bandwidth".
 */
public final class HostCallbackBenchmark {
  private static final int SMALL_FLOATS = 256; // 1 KB
  private static final int LARGE_FLOATS = 1 << 20; // 4 MB

  /**
   * Timed batches per measurement (medians reported) and the Session.runs in each batch, for the 1 KB and the 4 MB
   * chains. {@link #FULL} is the measurement; {@link #SMOKE} keeps the tensors and chains but runs each a few times,
   * only to prove the code path works (its timings mean nothing).
   */
  public record Sizes(int batches, int runsPerBatch1kb, int runsPerBatch4mb) {
    public static final Sizes FULL = new Sizes(15, 200, 20);
    public static final Sizes SMOKE = new Sizes(1, 3, 1);
  }

  private HostCallbackBenchmark() {}

  public static JsonObject run() {
    return run(Sizes.FULL);
  }

  public static JsonObject run(Sizes sizes) {
    JsonObject o = new JsonObject();
    HostCallback copy = call -> call.allocateOutput(0, call.input(0).shape()).put(call.input(0).data());
    HostCallback forward = call -> call.forwardInput(0, 0);
    try (HostCallbackRegistration copyReg = HostCallbacks.register("bench_identity_copy", copy);
        HostCallbackRegistration forwardReg = HostCallbacks.register("bench_identity_forward", forward)) {
      measure(o, "1kb", SMALL_FLOATS, 100, sizes.runsPerBatch1kb(), sizes.batches(), copyReg.name(),
          forwardReg.name());
      measure(o, "4mb", LARGE_FLOATS, 10, sizes.runsPerBatch4mb(), sizes.batches(), copyReg.name(),
          forwardReg.name());
    }
    o.addProperty("method", "per-node cost = (t(chain of L callbacks) - t(chain of L Identity)) / L, grappler off,"
        + " medians of paired batches");
    o.addProperty("batches", sizes.batches());
    return o;
  }

  private static void measure(JsonObject o, String label, int floats, int chainLength, int runsPerBatch,
      int batches, String copyName, String forwardName) {
    ConfigProto noGrappler = ConfigProto.newBuilder()
        .setGraphOptions(GraphOptions.newBuilder()
            .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true)))
        .build();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x =
          tf.withName("x_" + label).variable(tf.fill(tf.constant(new long[] {floats}), tf.constant(1.5f)));
      Operand<TFloat32> identity = x;
      Operand<TFloat32> copied = x;
      Operand<TFloat32> forwarded = x;
      Operand<TFloat32> deepCopied = x;
      for (int i = 0; i < chainLength; i++) {
        identity = tf.identity(identity);
        copied = callback(tf, copied, copyName);
        forwarded = callback(tf, forwarded, forwardName);
        deepCopied = tf.deepCopy(deepCopied);
      }
      Operand<TFloat32> singleIdentity = tf.identity(x);
      Operand<TFloat32> singleCopy = callback(tf, x, copyName);
      try (Session s = new Session(g, noGrappler)) {
        s.initialize();
        Runnable idChain = batch(s, identity, runsPerBatch);
        StepTimer.Paired copyPair = StepTimer.paired(2, batches, idChain, batch(s, copied, runsPerBatch));
        StepTimer.Paired forwardPair = StepTimer.paired(2, batches, idChain, batch(s, forwarded, runsPerBatch));
        StepTimer.Paired deepCopyPair = StepTimer.paired(2, batches, idChain, batch(s, deepCopied, runsPerBatch));
        StepTimer.Paired single = StepTimer.paired(2, batches, batch(s, singleIdentity, runsPerBatch),
            batch(s, singleCopy, runsPerBatch));
        double perRun = 1e6 / runsPerBatch;
        o.addProperty("callback_overhead_us_" + label,
            (copyPair.medianB() - copyPair.medianA()) * perRun / chainLength);
        o.addProperty("callback_forward_overhead_us_" + label,
            (forwardPair.medianB() - forwardPair.medianA()) * perRun / chainLength);
        o.addProperty("tf_deep_copy_node_us_" + label,
            (deepCopyPair.medianB() - deepCopyPair.medianA()) * perRun / chainLength);
        o.addProperty("identity_chain_run_us_" + label, copyPair.medianA() * perRun);
        o.addProperty("callback_chain_run_us_" + label, copyPair.medianB() * perRun);
        o.addProperty("session_run_us_identity_" + label, single.medianA() * perRun);
        o.addProperty("session_run_us_callback_" + label, single.medianB() * perRun);
        o.addProperty("chain_length_" + label, chainLength);
        o.addProperty("runs_per_batch_" + label, runsPerBatch);
      }
    }
  }

  private static Operand<TFloat32> callback(Ops tf, Operand<TFloat32> in, String name) {
    return HostCallbackOp.create(tf.scope(), List.of(in), List.of(TFloat32.class), List.of(), name)
        .output(0, TFloat32.class);
  }

  private static Runnable batch(Session s, Operand<TFloat32> fetch, int runs) {
    return () -> {
      for (int i = 0; i < runs; i++) {
        try (Result r = s.runner().fetch(fetch).run()) {
          // fetched and released: the cost of producing the tensor, not of reading it in Java
        }
      }
    };
  }
}
