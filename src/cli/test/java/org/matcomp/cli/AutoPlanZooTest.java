package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.python.Zoo;

/**
 * {@code compress --target-ratio} on the zoo MLP: the plan it finds reaches the ratio, and the accuracy the
 * compressor's own verification measures on the same held-out set (an independent path: the exported model, not the
 * probe) drops by no more than allowed.
 */
class AutoPlanZooTest {
  @TempDir
  Path dir;

  @Test
  void tenTimesSmallerWithinOnePointOnTheMlp() throws Exception {
    Zoo.Model mlp = Zoo.model("mlp");
    Path out = dir.resolve("out");
    Path json = dir.resolve("r.json");
    Cli.Run r = Cli.run("compress", mlp.dir().toString(), out.toString(), "--target-ratio", "10", "--eval",
        mlp.eval().toString(), "--max-drop", "1", "--inputs", mlp.eval().resolve("pixels.npy").toString(),
        "--labels", mlp.eval().resolve("labels.npy").toString(), "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    double ratio = o.get("bytes_before").getAsDouble() / o.get("bytes_after").getAsDouble();
    assertTrue(ratio >= 10, "weight bytes " + ratio + "x");
    double drop = o.get("accuracy_before").getAsDouble() - o.get("accuracy_after").getAsDouble();
    assertTrue(drop <= 0.01, "accuracy drop " + drop);
    assertTrue(o.getAsJsonArray("notes").toString().contains(": met;"), o.getAsJsonArray("notes").toString());
    assertTrue(Files.exists(out.resolve("matcomp_plan.json")));
  }

  @Test
  void aRatioNoSettingReachesIsRefusedAndNothingIsWritten() throws Exception {
    Zoo.Model mlp = Zoo.model("mlp");
    Path out = dir.resolve("out");
    Cli.Run r = Cli.run("compress", mlp.dir().toString(), out.toString(), "--target-ratio", "1000", "--eval",
        mlp.eval().toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--target-ratio 1000.0 is unreachable"), r.err());
    assertFalse(Files.exists(out));
  }
}
