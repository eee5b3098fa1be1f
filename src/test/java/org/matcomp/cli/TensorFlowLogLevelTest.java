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

  private static String stderrOfInspect(String level) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "inspect", TinyModels.TF2.toString());
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
}
