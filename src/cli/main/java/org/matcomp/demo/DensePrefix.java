package org.matcomp.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.io.WorkDirectory;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The dense steps every run of an experiment shares. Each run of the operator trains dense until its first
 * compression update; with the same seeds those steps are the same in every run, so an experiment trains them once:
 * the first run stores the model's variables after {@code steps} steps (one {@code <variable>.npy} each, in
 * {@code dir}, written whole or not at all), and every later run loads them and trains from step {@code steps} on.
 * Optimizer state is not stored: a run that loads the prefix starts its optimizer afresh there, as every
 * compressed run's blending phase does anyway (each phase has its own optimizer).
 */
public record DensePrefix(Path dir, long steps) {
  public DensePrefix {
    checkArgument(steps > 0, "a dense prefix of %s steps", steps);
  }

  /** Whether an earlier run has stored it. */
  public boolean stored() {
    return Files.isDirectory(dir);
  }

  /** Stores {@code variables}' values from {@code session}. */
  public void store(Session session, List<Variable<TFloat32>> variables) throws IOException {
    Path abs = dir.toAbsolutePath();
    try (WorkDirectory work = WorkDirectory.beside(abs, "dense prefix " + abs)) {
      Path staged = work.resolve("prefix");
      Files.createDirectories(staged);
      for (Variable<TFloat32> v : variables) {
        try (var r = session.runner().fetch(v).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          float[] values = new float[(int) t.size()];
          t.copyTo(DataBuffers.of(values, false, false));
          Npy.write(staged.resolve(v.op().name() + ".npy"), NpyArray.ofFloats(t.shape().asArray(), values));
        }
      }
      work.commit(staged, abs, false);
    }
  }

  /** Sets {@code variables} in {@code session} to the stored values; each must be stored, with its shape. */
  public void load(Session session, Ops tf, List<Variable<TFloat32>> variables) throws IOException {
    for (Variable<TFloat32> v : variables) {
      Path file = dir.resolve(v.op().name() + ".npy");
      checkArgument(Files.exists(file), "%s holds no %s: was it stored by another model?", dir, v.op().name());
      NpyArray a = Npy.read(file);
      checkArgument(Arrays.equals(a.shape(), v.shape().asArray()), "%s is %s, the model's %s is %s", file,
          Arrays.toString(a.shape()), v.op().name(), v.shape());
      session.runner().addTarget(tf.assign(v, tf.constant(Shape.of(a.shape()), DataBuffers.of(a.floatData()))))
          .run();
    }
  }
}
