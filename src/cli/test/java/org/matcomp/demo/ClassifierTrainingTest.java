package org.matcomp.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.data.Dataset;
import org.matcomp.demo.data.FashionMnist;
import org.matcomp.demo.model.Mlp;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.CliRequirements;

/** Short real runs on a Fashion-MNIST subset: compression during training must cost little accuracy. */
class ClassifierTrainingTest {
  private static Dataset train;
  private static Dataset test;

  @BeforeAll
  static void load() throws Exception {
    CliRequirements.fashionMnist();
    FashionMnist data = FashionMnist.load();
    train = data.train().head(12000);
    test = data.test().head(2000);
  }

  private static TrainResult run(Optional<CompressionSpec> spec, Optional<Path> export) throws Exception {
    TrainConfig config = new TrainConfig(Mlp.architecture(new int[] {FashionMnist.FEATURES, 256, 128,
        FashionMnist.CLASSES}), 800, 64, 1e-3f, 3, spec, Pattern.compile("dense\\d+"), false, export,
        Optional.empty());
    return new ClassifierTraining(config, train, test, FashionMnist.CLASSES).run();
  }

  private static final CompressionSpec LOW_RANK = CompressionSpec.parse(
      "name=t,begin_compression_step=400,compression_frequency=10,alpha_decrement_value=0.1,"
          + "compression_option=1,update_option=1,absolute_rank=24");

  @TempDir
  Path dir;

  @Test
  void exportedServingModelHoldsOnlyTheFactorsAndReproducesTheAccuracy() throws Exception {
    Path denseDir = dir.resolve("dense");
    Path lowRankDir = dir.resolve("lowrank");
    TrainResult dense = run(Optional.empty(), Optional.of(denseDir));
    TrainResult lowRank = run(Optional.of(LOW_RANK), Optional.of(lowRankDir));
    for (var c : new Object[][] {{denseDir, dense}, {lowRankDir, lowRank}}) {
      try (SavedModelBundle b = SavedModelBundle.load(c[0].toString(), "serve")) {
        assertEquals(((TrainResult) c[1]).accuracy(), servedAccuracy(b), 1e-9);
      }
    }
    try (SavedModelBundle b = SavedModelBundle.load(lowRankDir.toString(), "serve")) {
      assertTrue(b.graph().operation("dense1_kernel") == null, "A must not be exported");
      assertTrue(b.graph().operation("dense1_kernel_B") != null);
    }
    long denseBytes = directoryBytes(denseDir.resolve("variables"));
    long lowRankBytes = directoryBytes(lowRankDir.resolve("variables"));
    // weights 4·(784·256 + 256·128 + 1280) vs 4·(24·1040 + 24·384 + 1280), plus biases either way
    assertTrue(denseBytes > 6 * lowRankBytes, denseBytes + " vs " + lowRankBytes);
  }

  private static double servedAccuracy(SavedModelBundle b) {
    float[] xs = test.copyFeatures();
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(test.n(), test.featureCount()), DataBuffers.of(xs));
        var out = b.function("serving_default").call(java.util.Map.of("x", x))) {
      TFloat32 logits = (TFloat32) out.get("logits").orElseThrow();
      int right = 0;
      for (int i = 0; i < test.n(); i++) {
        int best = 0;
        for (int j = 1; j < FashionMnist.CLASSES; j++) {
          if (logits.getFloat(i, j) > logits.getFloat(i, best)) {
            best = j;
          }
        }
        right += best == test.label(i) ? 1 : 0;
      }
      return (double) right / test.n();
    }
  }

  private static long directoryBytes(Path d) throws Exception {
    try (var s = Files.walk(d)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void lowRankAfterTheSwitchStaysWithinThreePointsOfDense() throws Exception {
    TrainResult dense = run(Optional.empty(), Optional.empty());
    TrainResult lowRank = run(Optional.of(LOW_RANK), Optional.empty());

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
