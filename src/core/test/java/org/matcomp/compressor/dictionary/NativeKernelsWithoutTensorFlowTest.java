package org.matcomp.compressor.dictionary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.Requirements;

/**
 * A compressor used outside a TF graph does not load TensorFlow (about a second of start-up): a fresh JVM codes and
 * learns on the native kernels, and neither TensorFlow's native libraries nor any {@code org.tensorflow} class is
 * loaded in it.
 */
class NativeKernelsWithoutTensorFlowTest {

  /** The child JVM: codes and learns, then reports which kernels ran and whether TensorFlow is mapped. */
  public static void main(String[] args) throws Exception {
    Random random = new Random(1);
    int n = 400;
    int dim = 12;
    int atoms = 24;
    float[] x = new float[n * dim];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    DictionaryLearningResult learned = DictionaryLearner.builder().atoms(atoms).nonzeros(3).iterations(3).build()
        .learn("X", x, n, dim);
    SparseCode code = BatchOmp.withNonzeros(3).encode("D", learned.dictionary(), atoms, "X", x, n, dim);
    System.out.println("kernels=" + NativeKernels.status());
    System.out.println("coded=" + code.counts().length);
    System.out.println("tensorflow_mapped=" + Files.readString(Path.of("/proc/self/maps")).contains("tensorflow"));
  }

  @Test
  void codingAndLearningInAFreshJvmLeaveTensorFlowUnloaded(@TempDir Path dir) throws Exception {
    Requirements.require(NativeKernels.load(), NativeKernels.status());
    Path classLog = dir.resolve("classes.log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+load=info:file=" + classLog, "-cp", System.getProperty("java.class.path"),
        NativeKernelsWithoutTensorFlowTest.class.getName());
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("kernels=native"), out);
    assertTrue(out.contains("coded=400"), out);
    assertTrue(out.contains("tensorflow_mapped=false"), "TensorFlow's libraries were mapped: " + out);
    List<String> tfClasses = Files.readAllLines(classLog).stream().filter(l -> l.contains(" org.tensorflow.")).toList();
    assertFalse(tfClasses.stream().findAny().isPresent(), "TF classes were loaded: " + tfClasses);
  }
}
