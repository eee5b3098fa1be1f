package org.matcomp.compressor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.Methods;

/** Compositions first+coder: names, refusals, stored sizes, and the host evaluator as the rules' oracle. */
class ComposedMethodTest {
  private static FloatMatrix gaussian(int rows, int cols, long seed) {
    Random rnd = new Random(seed);
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return FloatMatrix.of(rows, cols, v);
  }

  private static Factorization compress(String method, String hparams, FloatMatrix a) {
    CompressionSpec spec = CompressionSpec.builder().name("t").method(Methods.byName(method)).build()
        .withHparams(hparams);
    return spec.compressor().compress("t", a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kmeans+lowrank", "int8+fp16", "fp16+int8", "kmeans+int8", "kmeans-prune+int8",
      "prune+lowrank", "prune+dictionary", "int8+int8", "prune+", "+int8", "prune+kmeans+int8", "prune+nope",
      "input-output+int8"})
  void impossibleCompositionsAreRefusedNamingThePair(String name) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Methods.byName(name));
    assertTrue(e.getMessage().contains("'" + name + "'") || e.getMessage().contains("'nope'"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @ParameterizedTest
  @ValueSource(strings = {"prune+kmeans", "lowrank+int8", "fp16", "int8", "prune", "dictionary+bf16"})
  void theHparamStringNamesTheMethodAndReadsBack(String method) {
    CompressionSpec spec = CompressionSpec.builder().name("t").method(Methods.byName(method)).build();
    CompressionSpec back = CompressionSpec.parse(spec.toHparamString());
    assertEquals(method, back.method().name());
    assertEquals(spec, back);
  }

  @Test
  void pruneThenKMeansCodesOnlyTheKeptValuesInFourBits() {
    FloatMatrix a = gaussian(256, 128, 1);
    Factorization f = compress("prune+kmeans", "target_sparsity=0.9,num_clusters=16", a);
    int kept = Math.toIntExact(Math.round(0.1 * 256 * 128));
    Map<String, FactorSpec> specs = new java.util.HashMap<>();
    f.factors().forEach(x -> specs.put(x.name(), x.spec()));
    assertEquals(Map.of("values__codes", FactorType.UINT4, "values__codebook", FactorType.FLOAT32, "mask",
        FactorType.BIT), Map.of("values__codes", specs.get("values__codes").type(), "values__codebook",
        specs.get("values__codebook").type(), "mask", specs.get("mask").type()));
    assertEquals(kept, specs.get("values__codes").entries());
    // 1 bit a position, 4 bits a kept value, 16 floats: 4096 + 1639 + 64 bytes
    assertEquals(256 * 128 / 8 + (kept + 1) / 2 + 64, f.size().compressedBytes());
    // pruned entries stay exactly zero, kept ones take one of the 16 levels
    float[] w = f.product().copyData();
    long zeros = java.util.stream.IntStream.range(0, w.length).filter(i -> w[i] == 0f).count();
    assertEquals(256L * 128 - kept, zeros);
    assertTrue(java.util.stream.IntStream.range(0, w.length).mapToObj(i -> w[i]).filter(v -> v != 0f).distinct()
        .count() <= 16);
  }

  @Test
  void lowRankThenInt8IsNearlyFourTimesSmallerThanLowRank() {
    FloatMatrix a = gaussian(512, 256, 2);
    Factorization lr = compress("lowrank", "absolute_rank=32", a);
    Factorization q = compress("lowrank+int8", "absolute_rank=32", a);
    double gain = (double) lr.size().compressedBytes() / q.size().compressedBytes();
    // a byte an entry plus one float scale per column of B and of C: 4·24576 / (24576 + 4·(32 + 256))
    assertEquals(4.0 * 24576 / (24576 + 4 * (32 + 256)), gain, 1e-9);
    double errLr = lr.product().relativeErrorTo(a);
    double errQ = q.product().relativeErrorTo(a);
    assertTrue(errQ < errLr * 1.01, "int8 adds under 1 % to the low-rank error: " + errLr + " -> " + errQ);
  }

  static Stream<String> everyMethodAndComposition() {
    return Stream.concat(Methods.names().stream(), Stream.of("prune+kmeans", "prune+int8", "lowrank+int8",
        "lowrank+kmeans", "lowrank+fp16", "dictionary+int8", "simhash+bf16"));
  }

  private static final Map<String, String> SETTINGS = Map.of("lowrank", "absolute_rank=6", "simhash",
      "absolute_rank=10", "dictionary", "dl_atoms=8,dl_nonzeros=2,dl_iterations=2", "kmeans", "absolute_rank=8",
      "kmeans-prune", "absolute_rank=8,pruning_fraction=0.5", "block", "block_compression_factor=2",
      "mixed-block", "compression_factor=2", "input-output",
      "compress_input=True,input_block_size=2,input_compression_factor=2");

  /** The host evaluator of a rule computes every factorization's own product: the oracle compositions rely on. */
  @ParameterizedTest
  @MethodSource("everyMethodAndComposition")
  void theHostEvaluatorOfEachRuleComputesTheFactorizationsProduct(String method) {
    FloatMatrix a = gaussian(32, 24, 3);
    String first = method.contains("+") ? method.substring(0, method.indexOf('+')) : method;
    Factorization f = compress(method, SETTINGS.getOrDefault(first, "name=t"), a);
    FactorLayout layout = new FactorLayout(32, 24, f.factors().stream().map(Factor::spec).toList());
    FloatMatrix evaluated = ExprEvaluator.matrix(f.method().rule().dense(layout), f.factors(), 32, 24);
    assertArrayEquals(f.product().copyData(), evaluated.copyData(), 1e-4f);
  }
}
