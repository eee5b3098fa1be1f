package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.compressor.SeededGaussian;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.python.PythonEnvironment;
import org.matcomp.CliRequirements;

/**
 * The Python side of the factor files: python-interop/load_factors.py rebuilds every method's matrix with NumPy
 * alone, and its error equals the one matcomp reported — so the .npy layout is what the README says it is.
 */
class PythonLoaderTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lowrank|--rank 3",
      "simhash|--rank 24",
      "kmeans|--clusters 8 --block-size 1",
      "kmeans|--clusters 8 --block-size 2",
      "kmeans|--clusters 2",
      "kmeans|--clusters 3 --block-size 3",
      "kmeans|--clusters 17",
      "kmeans-prune|--clusters 8 --spec pruning_fraction=0.5",
      "prune|--sparsity 0.5",
      "prune|--sparsity 0.99",
      "dictionary|--atoms 12 --nonzeros 3 --iterations 4",
      "int8|",
      "int8|--spec int8_per_tensor=true",
      "fp16|",
      "bf16|",
      "prune+kmeans|--sparsity 0.5 --clusters 4",
      "lowrank+int8|--rank 3",
      "lowrank+fp16|--rank 3",
      "simhash+bf16|--rank 24",
      "dictionary+int8|--atoms 12 --nonzeros 3 --iterations 4",
      "prune+int8|--sparsity 0.99",
      "prune+kmeans|--sparsity 0.9 --clusters 16",
      "prune|--sparsity 0.95"})
  void numpyRebuildsWhatMatcompFactored(String method, String flags) throws Exception {
    PythonEnvironment python = CliRequirements.python();
    Random rnd = new Random(4);
    float[] v = new float[40 * 24];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    Path a = dir.resolve("A.npy");
    Npy.write(a, FloatMatrix.of(40, 24, v));
    Path out = dir.resolve("f");
    Path json = dir.resolve("r.json");
    List<String> args = new ArrayList<>(List.of("factor", "--method", method, "--input", a.toString(), "--output",
        out.toString(), "--json", json.toString()));
    if (flags != null) {
      args.addAll(List.of(flags.split(" ")));
    }
    assertEquals(0, Main.commandLine().execute(args.toArray(String[]::new)));
    double reported = JsonParser.parseString(Files.readString(json)).getAsJsonObject().get("rel_error").getAsDouble();

    String printed = python.runChecked(Duration.ofSeconds(120), List.of(
        python.interopDir().resolve("load_factors.py").toString(), out.toString(), method, "--shape", "40", "24",
        "--original", a.toString()));
    JsonObject o = JsonParser.parseString(printed.strip()).getAsJsonObject();
    assertEquals(40, o.get("rows").getAsInt());
    assertEquals(24, o.get("cols").getAsInt());
    assertEquals(reported, o.get("rel_error").getAsDouble(), 1e-5 * Math.max(1, reported));
  }

  /**
   * simhash's R is TensorFlow's StatelessRandomNormal of its seed: what the compressor drew in TF Java is what Python
   * TF draws, element for element (the SavedModel and the training graph run that op too).
   */
  @Test
  void pythonTensorFlowDrawsTheSameSimhashProjectionAsTheCompressor() throws Exception {
    PythonEnvironment python = CliRequirements.python();
    int[] seed = SeededGaussian.seedPair(0x1234_5678_9abcL);
    float[] java = SeededGaussian.draw(seed, new int[] {37, 21});
    Path out = dir.resolve("r.npy");
    python.runChecked(Duration.ofSeconds(120), List.of("-c", "import numpy as np, tensorflow as tf;"
        + " r = tf.raw_ops.StatelessRandomNormal(shape=tf.constant([37, 21], tf.int32), seed=tf.constant(["
        + seed[0] + ", " + seed[1] + "], tf.int32), dtype=tf.float32);"
        + " np.save('" + out + "', r.numpy())"));
    FloatMatrix py = Npy.readFloatMatrix(out);
    assertEquals(37, py.rows());
    assertArrayEquals(java, py.copyData());
  }
}
