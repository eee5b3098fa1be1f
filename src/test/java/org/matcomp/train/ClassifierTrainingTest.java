package org.matcomp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.data.Dataset;
import org.matcomp.data.FashionMnist;
import org.matcomp.spec.CompressionSpec;

/** Short real runs on a Fashion-MNIST subset: compression during training must cost little accuracy. */
class ClassifierTrainingTest {
  private static Dataset train;
  private static Dataset test;

  @BeforeAll
  static void load() throws Exception {
    assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "apt-get install -y dataset-fashion-mnist");
    FashionMnist data = FashionMnist.load();
    train = data.train().head(12000);
    test = data.test().head(2000);
  }

  private static TrainResult run(Optional<CompressionSpec> spec) {
    TrainConfig config = new TrainConfig(new int[] {256, 128}, 800, 64, 1e-3f, 3, spec, Pattern.compile("dense\\d+"),
        false);
    return new ClassifierTraining(config, train, test, FashionMnist.CLASSES).run();
  }

  @Test
  void lowRankAfterTheSwitchStaysWithinThreePointsOfDense() {
    TrainResult dense = run(Optional.empty());
    TrainResult lowRank = run(Optional.of(CompressionSpec.parse(
        "name=t,begin_compression_step=400,compression_frequency=10,alpha_decrement_value=0.1,"
            + "compression_option=1,update_option=1,absolute_rank=24")));

    assertTrue(dense.accuracy() > 0.78, "dense accuracy " + dense.accuracy());
    assertEquals("compressed", lowRank.finalPhase());
    assertTrue(lowRank.accuracy() >= dense.accuracy() - 0.03,
        "low-rank " + lowRank.accuracy() + " vs dense " + dense.accuracy());

    // 784×256 → 24·(784+256), 256×128 → 24·(256+128), logits 128×10 dense.
    CompressedSize t = lowRank.report().total();
    assertEquals(784 * 256 + 256 * 128 + 128 * 10, t.denseParams());
    assertEquals(24 * (784 + 256) + 24 * (256 + 128) + 128 * 10, t.compressedParams());
    assertEquals(4.0 * t.compressedParams(), t.compressedBytes());
    assertEquals((double) t.denseBytes() / t.compressedBytes(), t.ratio(), 1e-12);
  }
}
