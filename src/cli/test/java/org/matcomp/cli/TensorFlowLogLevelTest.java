package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.matcomp.nativelib.NativeLoader;
import org.matcomp.savedmodel.TinyModels;

/**
 * The CLI keeps TensorFlow's C++ INFO lines off stderr unless the user set {@code TF_CPP_MIN_LOG_LEVEL} (issue 11,
 * "beyond the list"). The level is read once as TensorFlow loads, so only a fresh JVM shows it: each case runs
 * {@code inspect} in a child JVM.
 */
class TensorFlowLogLevelTest {
  /** TensorFlow's own INFO format, e.g. "2026-12-06 02:51:14.778257: I tensorflow/cc/saved_model/reader.cc:83] ...". */
  private static final Pattern TF_INFO = Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\d [0-9:.]+: I tensorflow/");

  /** absl's format, e.g. "I0000 00:00:1796534536.459505    8407 mlir_graph_optimization_pass.cc:401] ...". */
  private static final Pattern ABSL_LINE = Pattern.compile("(?m)^[IWE]\\d{4} \\d\\d:\\d\\d:[0-9.]+ +\\d+ \\S+:\\d+\\] ");
  private static final String ABSL_META = "WARNING: All log messages before absl::InitializeLog()";

  private static String stderrOfInspect(String level) throws Exception {
    return stderrOf(level, "inspect", TinyModels.TF2.toString());
  }

  private static String stderrOf(String level, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove(TensorFlowLogLevel.VARIABLE);
    if (level != null) {
      pb.environment().put(TensorFlowLogLevel.VARIABLE, level);
    }
    Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err);
    return err;
  }

  @Test
  void infoLinesAreOffByDefaultAndBackWhenTheUserAsks() throws Exception {
    org.matcomp.Requirements.require(NativeLoader.isBuilt(),
        "the CLI's setenv is in matcomp's native library: " + NativeLoader.BUILD_HINT);
    String quiet = stderrOfInspect(null);
    assertFalse(TF_INFO.matcher(quiet).find(), quiet);
    assertFalse(quiet.contains("Reading SavedModel from"), quiet);
    String loud = stderrOfInspect("0");
    for (String line : List.of("I tensorflow/cc/saved_model/reader.cc", "SavedModel load for tags { serve }")) {
      assertTrue(loud.contains(line), "with TF_CPP_MIN_LOG_LEVEL=0: " + loud);
    }
  }

  /**
   * absl's lines ("MLIR V1 optimization pass is not enabled" when a graph runs, and its meta line before it) read no
   * environment variable; the stderr filter drops them at the level in effect, and lets them through at level 0.
   */
  @Test
  void abslLinesFollowTheLevelToo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    org.matcomp.Requirements.require(NativeLoader.isBuilt(),
        "the stderr filter is in matcomp's native library: " + NativeLoader.BUILD_HINT);
    String model = Path.of("testdata/savedmodels/quickstart_mlp").toString();
    String loud = stderrOf("0", "compress", model, dir.resolve("loud").toString(), "--method", "lowrank",
        "--rank", "8");
    assertTrue(ABSL_LINE.matcher(loud).find() && loud.contains(ABSL_META), "with TF_CPP_MIN_LOG_LEVEL=0: " + loud);
    for (String level : new String[] {null, "2"}) {
      String quiet = stderrOf(level, "compress", model, dir.resolve("quiet" + level).toString(), "--method",
          "lowrank", "--rank", "8");
      assertFalse(ABSL_LINE.matcher(quiet).find(), quiet);
      assertFalse(quiet.contains(ABSL_META), quiet);
      assertTrue(quiet.isBlank(), "a compress run that succeeds writes nothing to stderr: " + quiet);
    }
  }
}
