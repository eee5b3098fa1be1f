package org.matcomp.hostcallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.Requirements;
import org.matcomp.nativelib.NativeLoader;
import org.matcomp.nativelib.ProcessEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class NativeLibraryTest {
  private static final String CALLBACK = "native_library_test_scale2";

  private static void requireLibrary() {
    Requirements.require(NativeLoader.isBuilt(), "matcomp's native library: " + NativeLoader.BUILD_HINT);
  }

  private static long registrations() {
    return TensorFlow.registeredOpList().getOpList().stream()
        .filter(op -> op.getName().equals(HostCallbackOp.OP_NAME)).count();
  }

  @Test
  void registersTheOpOnceFromTheSharedLibrary() {
    requireLibrary();
    NativeLibrary.load();
    NativeLibrary.load();
    assertTrue(NativeLibrary.isLoaded());
    assertEquals(NativeLoader.loadedFrom(), NativeLibrary.loadedFrom(), "one library serves kernels and the op");
    assertEquals(1, registrations());
  }

  @Test
  void thisMachineIsTheShippedPlatform() {
    assertEquals(NativeLibrary.PLATFORM, NativeLibrary.currentPlatform());
  }

  @Test
  void otherPlatformsGetAClearErrorPointingToTheHostPath() {
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> NativeLibrary.requireSupported("macosx-arm64"));
    assertTrue(e.getMessage().contains("only for linux-x86_64, and this JVM runs on macosx-arm64"), e.getMessage());
    assertTrue(e.getMessage().contains("update_option 1, the host path"), e.getMessage());
  }

  /**
   * The child JVM: loads the SavedModel in {@code args[0]}, first ({@code args[1]} = "register") after registering
   * the op and the callback, else without, and prints the outputs for [1, 2] or the error.
   */
  public static void main(String[] args) throws Exception {
    if (args[0].equals("library-first")) {
      libraryFirst();
      return;
    }
    boolean register = args[1].equals("register");
    if (register) {
      NativeLibrary.load();
      System.out.println("registered_ops=" + registrations());
      HostCallbacks.register(CALLBACK, call -> {
        float[] v = call.input(0).toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] *= 2;
        }
        call.setOutput(0, v, v.length);
      });
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(args[0], "serve");
        TFloat32 x = TFloat32.vectorOf(1, 2);
        Result r = bundle.function("serving_default").call(Map.of("x", x))) {
      float[] y = new float[2];
      ((TFloat32) r.get("y").orElseThrow()).copyTo(DataBuffers.of(y, false, false));
      System.out.println("y=" + Arrays.toString(y));
    } catch (RuntimeException e) {
      System.out.println("error=" + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /**
   * The child JVM of {@link #theOpRegistersWhenTheLibraryWasLoadedBeforeTensorFlow}: the library is loaded first,
   * without TensorFlow (as the dictionary kernels or the CLI load it), and the op registered afterwards.
   */
  private static void libraryFirst() throws Exception {
    ProcessEnvironment.setIfAbsent("MATCOMP_NATIVE_LIBRARY_TEST", "1");
    boolean mapped = Files.readString(Path.of("/proc/self/maps")).contains("tensorflow");
    System.out.println("tensorflow_mapped_before=" + mapped);
    NativeLibrary.load();
    try (Graph g = new Graph(); Session s = new Session(g);
        HostCallbackRegistration reg = HostCallbacks.register(call -> {
          float[] v = call.input(0).toFloatArray();
          call.setOutput(0, new float[] {v[0] + v[1]}, 1);
        })) {
      Ops tf = Ops.create(g);
      HostCallbackOp op = HostCallbackOp.create(tf.scope(), List.of(tf.constant(new float[] {20, 22})),
          List.of(TFloat32.class), List.of(), reg.name());
      try (Result r = s.runner().fetch(op.output(0)).run()) {
        float[] y = new float[1];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(y, false, false));
        System.out.println("sum=" + y[0] + " registered_ops=" + registrations());
      }
    }
  }

  private static String runChild(Path model, String mode) throws Exception {
    return runChild(model.toString(), mode);
  }

  private static String runChild(String first, String mode) throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), NativeLibraryTest.class.getName(), first, mode);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void theOpRegistersWhenTheLibraryWasLoadedBeforeTensorFlow() throws Exception {
    requireLibrary();
    String out = runChild("library-first", "-");
    assertTrue(out.contains("tensorflow_mapped_before=false"), out);
    assertTrue(out.contains("sum=42.0 registered_ops=1"), out);
  }

  @Test
  void aSavedModelHoldingTheOpLoadsInAFreshJvmOnceMatcompRegistersIt(@TempDir Path dir) throws Exception {
    requireLibrary();
    NativeLibrary.load();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      HostCallbackOp op = HostCallbackOp.create(tf.scope(), List.of(x), List.of(TFloat32.class), List.of(), CALLBACK);
      Operand<TFloat32> y = tf.math.add(op.output(0, TFloat32.class), tf.constant(0.5f));
      Signature sig = Signature.builder().key("serving_default").input("x", x).output("y", y).build();
      SavedModelBundle.exporter(dir.toString()).withSession(s).withFunction(SessionFunction.create(sig, s)).export();
    }
    String without = runChild(dir, "plain");
    assertTrue(without.contains("error=Op type not registered '" + HostCallbackOp.OP_NAME + "'"), without);
    String with = runChild(dir, "register");
    assertTrue(with.contains("registered_ops=1"), with);
    assertTrue(with.contains("y=[2.5, 4.5]"), with);
  }
}
