package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.SessionFunction;
import org.tensorflow.framework.optimizers.GradientDescent;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.matcomp.train.InGraphTrainer;

/**
 * update_option 0 survives export: a training graph saved as a SavedModel, loaded in a fresh JVM that only runs its
 * train op, still factors A at the snapshot and takes α to 0 on schedule.
 */
class ExportedTrainingGraphTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"compression_option=1,absolute_rank=3", "compression_option=4,absolute_rank=4"})
  void aFreshProcessRunningOnlyTheTrainOpCompressesAtTheSnapshot(String method) throws Exception {
    Path export = dir.resolve("train_graph");
    String factorName;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Random rnd = new Random(9);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, 8, 6, gaussian(rnd, 48)));
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 8)));
      Operand<TFloat32> xTrain = constant(tf, 5, 8, gaussian(rnd, 40));
      InGraphTrainer trainer = new InGraphTrainer(tf);
      CompressionSpec spec = CompressionSpec.parse("begin_compression_step=4,compression_frequency=2,"
          + "alpha_decrement_value=0.5,update_option=0," + method);
      CompressedMatrix cm = MatrixCompression.apply(tf, a, spec, spec.compressor(), trainer.step());
      Operand<TFloat32> loss = tf.sum(tf.math.square(cm.matmulGated(tf, xTrain)), tf.constant(new int[] {0, 1}));
      Op train = trainer.trainOp(g, tf, loss, List.of(cm), List.of(), (graph, n) -> new GradientDescent(graph, 1e-3f));
      Operand<TFloat32> y = tf.withName("y").identity(cm.matmul(tf, x));
      factorName = cm.factors().layout().get(0).name();
      try (Session s = new Session(g)) {
        s.initialize();
        Signature sig = Signature.builder().key("serving_default").input("x", x).output("y", y).build();
        SavedModelBundle.exporter(export.toString()).withSession(s).withFunction(SessionFunction.create(sig, s))
            .export();
      }
      assertEquals("train", train.op().name());
    }

    List<String> lines = runFreshJvm(export, 8, "train", "A_alpha", "A_last_update_step", "A_" + factorName);
    assertEquals("registered " + (method.contains("option=1") ? 0 : 1), lines.get(0));
    // steps 0..7: updates at 4 (α 0.5, factors computed) and 6 (α 0)
    assertTrue(lines.get(4).startsWith("step 3 alpha 1.0 last -1 factor0 0.0"), lines.get(4));
    assertTrue(lines.get(5).startsWith("step 4 alpha 0.5 last 4"), lines.get(5));
    assertTrue(!lines.get(5).endsWith("factor0 0.0"), "factors computed at the snapshot: " + lines.get(5));
    assertTrue(lines.get(7).startsWith("step 6 alpha 0.0 last 6"), lines.get(7));
  }

  private static List<String> runFreshJvm(Path export, int steps, String... names) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), TrainGraphRunner.class.getName(), export.toString(),
        Integer.toString(steps)));
    cmd.addAll(List.of(names));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.add(line);
      }
    }
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fresh JVM timed out");
    assertEquals(0, p.exitValue(), () -> "fresh JVM failed: " + err.lines().filter(l -> !l.startsWith("20"))
        .reduce("", (a, b) -> a + "\n" + b));
    return out;
  }
}
