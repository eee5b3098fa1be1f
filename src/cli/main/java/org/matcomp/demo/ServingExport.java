package org.matcomp.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.matcomp.io.WorkDirectory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Exports a trained model for serving as a SavedModel with one signature, {@code serving_default}: input {@code x}
 * [-1, features] → output {@code logits}. The serving graph is built fresh from the trained values (no training ops,
 * no optimizer slots, no A of a compressed layer), written in a {@link WorkDirectory} beside the target and moved into place.
 */
public final class ServingExport {
  private ServingExport() {}

  /** Refuses an existing {@code dir} before any training is spent. */
  public static void checkTarget(Path dir) {
    if (Files.exists(dir)) {
      throw new IllegalArgumentException("export directory " + dir + " exists; choose a new one");
    }
  }

  public static void export(Path dir, int features,
      BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> logits) throws IOException {
    checkTarget(dir);
    Path abs = dir.toAbsolutePath();
    try (WorkDirectory work = WorkDirectory.beside(abs, "train --export " + abs); Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, features)));
      Operand<TFloat32> y = tf.withName("logits").identity(logits.apply(tf, x));
      try (Session s = new Session(g)) {
        s.initialize();
        Signature sig = Signature.builder().key("serving_default").methodName("tensorflow/serving/predict")
            .input("x", x).output("logits", y).build();
        Path out = work.resolve("model");
        SavedModelBundle.exporter(out.toString()).withSession(s).withFunction(SessionFunction.create(sig, s)).export();
        work.commit(out, abs, false);
      }
    }
  }
}
