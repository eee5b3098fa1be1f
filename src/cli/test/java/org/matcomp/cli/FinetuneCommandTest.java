package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.CliRequirements;
import org.matcomp.data.Dataset;
import org.matcomp.demo.data.FashionMnist;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.python.PythonEnvironment;
import org.matcomp.python.Zoo;

/**
 * {@code finetune} from the command line: a fine-tuned export gives, in Python TensorFlow, the accuracy the JVM
 * reported on the same eval data; and each bad input is one line with exit 2 and nothing written.
 */
class FinetuneCommandTest {
  private static final String QUICKSTART = "testdata/savedmodels/quickstart_mlp";

  @TempDir
  Path dir;

  private Path fashion(String name, Dataset d, int n) throws Exception {
    return FashionMnist.writeFinetuneData(dir, name, d, n);
  }

  @Test
  void theFineTunedExportGivesInPythonTheAccuracyTheJvmReported() throws Exception {
    CliRequirements.fashionMnist();
    PythonEnvironment python = CliRequirements.python();
    Zoo.Model mlp = Zoo.model("mlp");
    Path train = fashion("train", FashionMnist.train(FashionMnist.DEFAULT_DIR), 6000);
    Path eval = fashion("eval", FashionMnist.test(FashionMnist.DEFAULT_DIR), 2000);
    Path out = dir.resolve("out");
    Path json = dir.resolve("report.json");
    Cli.Run r = Cli.run("finetune", mlp.dir().toString(), out.toString(), "--method", "lowrank", "--rank", "16",
        "--layers", "dense_", "--train", train.toString(), "--eval", eval.toString(), "--loss", "sparse-categorical",
        "--steps", "300", "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    double jvm = report.get("metric_fine_tuned").getAsDouble();
    assertEquals(2, report.get("matrices_compressed").getAsInt(), report.toString());
    assertTrue(report.get("variables_disk_ratio").getAsDouble() > 10, report.toString());
    assertTrue(jvm > report.get("metric_post_hoc").getAsDouble(), report.toString());

    String script = String.join("\n",
        "import sys, numpy as np, tensorflow as tf",
        "serve = tf.saved_model.load(sys.argv[1]).signatures['serving_default']",
        "x = np.load(sys.argv[2] + '/pixels.npy'); y = np.load(sys.argv[2] + '/labels.npy')",
        "logits = serve(pixels=tf.constant(x))['logits'].numpy()",
        "print(int((logits.argmax(1) == y).sum()))");
    Path py = Files.writeString(dir.resolve("accuracy.py"), script);
    String stdout = python.runChecked(Duration.ofMinutes(5), List.of(py.toString(), out.toString(),
        eval.toString()));
    int right = Integer.parseInt(stdout.strip().lines().reduce((a, b) -> b).orElseThrow());
    assertEquals(jvm, right / 2000.0, 1e-9, "Python's accuracy of the export vs the JVM's report");
  }

  /** A DATA directory for the quick-start model with {@code pixels} of {@code shape} and labels {@code labels}. */
  private Path data(String name, String input, long[] shape, int[] labels) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    int n = Math.toIntExact(shape[0]);
    long size = 1;
    for (long s : shape) {
      size *= s;
    }
    float[] x = new float[Math.toIntExact(size)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7) / 7f;
    }
    Npy.write(d.resolve(input + ".npy"), NpyArray.ofFloats(shape, x));
    Npy.write(d.resolve("labels.npy"), NpyArray.ofInts(new long[] {n}, labels));
    return d;
  }

  private static int[] labels(int n, int max) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % (max + 1);
    }
    return y;
  }

  /** finetune on the quick-start model; {@code more} adds flags or overrides the defaults below. */
  private Cli.Run finetune(Path train, String... more) {
    java.util.Map<String, String> flags = new java.util.LinkedHashMap<>(java.util.Map.of("--train", train.toString(),
        "--eval", train.toString(), "--loss", "sparse-categorical", "--rank", "8", "--steps", "60", "--batch", "8"));
    List<String> switches = new ArrayList<>();
    for (int i = 0; i < more.length; i++) {
      if (more[i].startsWith("--from-")) {
        switches.add(more[i]);
      } else {
        flags.put(more[i], more[++i]);
      }
    }
    List<String> args = new ArrayList<>(List.of("finetune", QUICKSTART, dir.resolve("out").toString()));
    flags.forEach((k, v) -> args.addAll(List.of(k, v)));
    args.addAll(switches);
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void badInputsAreOneLineWithExit2AndNothingWritten() throws Exception {
    Path good = data("good", "pixels", new long[] {16, 28, 28}, labels(16, 9));
    finetune(data("named", "image", new long[] {16, 28, 28}, labels(16, 9))).refused("pixels");
    finetune(data("shape", "pixels", new long[] {16, 784}, labels(16, 9))).refused("pixels");
    finetune(data("range", "pixels", new long[] {16, 28, 28}, labels(16, 10))).refused("10");
    finetune(good, "--steps", "5").refused("--steps 5 is too short for the compression schedule");
    finetune(good, "--output", "nope").refused("--output 'nope' is not an output of the signature");
    finetune(good, "--loss", "hinge").refused("--loss 'hinge' is not a loss");
    finetune(good, "--from-logits", "--from-probabilities").refused("contradict");
    finetune(good, "--layers", "no_such_layer").refused("no_such_layer");
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void aWeightReadInsideALoopIsRefusedWithTheOpAndTheAlternative() throws Exception {
    Zoo.Model lstm = Zoo.model("lstm");
    Path d = dir.resolve("lstm-data");
    Cli.Run r = Cli.run("finetune", lstm.dir().toString(), dir.resolve("out").toString(), "--train",
        lstm.eval().toString(), "--eval", lstm.eval().toString(), "--loss", "sparse-categorical", "--steps", "100");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("While") && r.err().contains("compress"), r.err());
    assertFalse(Files.exists(dir.resolve("out")));
    assertFalse(Files.exists(d));
  }
}
