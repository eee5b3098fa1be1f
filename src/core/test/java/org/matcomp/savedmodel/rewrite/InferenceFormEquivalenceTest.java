package org.matcomp.savedmodel.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.lowrank.LowRankCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.dictionary.DictionaryMethod;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.compressor.prune.PruneMethod;
import org.matcomp.savedmodel.rewrite.InferenceForm;
import org.matcomp.savedmodel.rewrite.InferenceForms;
import org.matcomp.savedmodel.rewrite.StoredFactor;
import org.matcomp.savedmodel.TinyModels;

/**
 * Each inference form, rewritten into both tiny models (MatMul x·W and W·x with transpose_b, Conv2D, GatherV2,
 * ResourceGather, through call frames), must compute exactly what the model computes with the factorization's dense
 * product in place of the weight.
 */
class InferenceFormEquivalenceTest {
  @TempDir
  Path dir;

  private static final Map<String, int[]> TF1 = Map.of("conv_w", new int[] {18, 8}, "fc1_w", new int[] {128, 16},
      "out_w", new int[] {10, 16}, "emb_w", new int[] {50, 16}, "proj_w", new int[] {6, 16});
  private static final Map<String, int[]> ARCHITECTURES = Map.of("einsum_right", new int[] {6, 8}, "einsum_middle",
      new int[] {6, 8}, "einsum_left", new int[] {6, 8}, "batched", new int[] {6, 8}, "batched_adj",
      new int[] {8, 6}, "depthwise", new int[] {8, 4});
  private static final Map<String, int[]> TF2 = Map.of("dense/kernel", new int[] {8, 6}, "emb/embeddings",
      new int[] {20, 6}, "tied/kernel", new int[] {6, 6});

  private void assertFormMatchesDense(Path model, Map<String, int[]> weights, InferenceForm form,
      java.util.function.BiFunction<float[], int[], Factorization> factor, double tolerance) throws Exception {
    Map<String, Factorization> fs = new LinkedHashMap<>();
    Map<String, float[]> dense = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : weights.entrySet()) {
      float[] w = RewriteHarness.weight(model, e.getKey());
      Factorization f = factor.apply(w, e.getValue());
      fs.put(e.getKey(), f);
      dense.put(e.getKey(), f.product().copyData());
    }
    Path rewritten = dir.resolve("rewritten");
    Path reference = dir.resolve("reference");
    RewriteHarness.exportRewritten(model, fs, form, rewritten);
    RewriteHarness.exportWithValues(model, dense, reference);
    double d = RewriteHarness.maxDiff(reference, rewritten);
    assertTrue(d <= tolerance, form.method() + " differs from its dense product by " + d);
  }

  private static Factorization fullRank(float[] w, int[] s) {
    return LowRankCompressor.withRank(Math.min(s[0], s[1])).compress("w", FloatMatrix.of(s[0], s[1], w));
  }

  @Test
  void fullRankLowRankReproducesTheTf1ModelExactly() throws Exception {
    assertFormMatchesDense(TinyModels.TF1, TF1, form(LowRankMethod.INSTANCE), InferenceFormEquivalenceTest::fullRank, 2e-5);
    // and the dense product of a full-rank factorization is the original weight, so the model itself is reproduced
    assertTrue(RewriteHarness.maxDiff(TinyModels.TF1, dir.resolve("rewritten")) < 2e-5);
  }

  @Test
  void truncatedLowRankMatchesItsProductInTheTf2Model() throws Exception {
    assertFormMatchesDense(TinyModels.TF2, TF2, form(LowRankMethod.INSTANCE),
        (w, s) -> LowRankCompressor.withRank(2).compress("w", FloatMatrix.of(s[0], s[1], w)), 2e-5);
    assertTrue(RewriteHarness.maxDiff(TinyModels.TF2, dir.resolve("rewritten")) > 1e-3,
        "a rank-2 model should differ from the original");
  }

  /** Codebook of every distinct entry (≤ 256 → uint8 codes, more → int32): exact. */
  static Factorization kmeans(float[] w, int[] s) {
    java.util.TreeSet<Float> distinct = new java.util.TreeSet<>();
    for (float v : w) {
      distinct.add(v);
    }
    float[] codebook = new float[distinct.size()];
    Map<Float, Integer> index = new java.util.HashMap<>();
    int k = 0;
    for (float v : distinct) {
      index.put(v, k);
      codebook[k++] = v;
    }
    int[] codes = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      codes[i] = index.get(w[i]);
    }
    FactorType codeType = codebook.length <= 256 ? FactorType.UINT8 : FactorType.INT32;
    return new TestFactorization(KMeansMethod.INSTANCE, s[0], s[1], List.of(
        Factor.ofFloats(new FactorSpec("codebook", FactorType.FLOAT32, new int[] {codebook.length, 1}, true),
            codebook),
        Factor.ofInts(new FactorSpec("codes", codeType, new int[] {s[0], s[1]}, false), codes)), w.clone());
  }

  @Test
  void kmeansWithUint8AndInt32CodesMatchesItsProduct() throws Exception {
    assertFormMatchesDense(TinyModels.TF1, TF1, form(KMeansMethod.INSTANCE), InferenceFormEquivalenceTest::kmeans, 1e-6);
    assertFormMatchesDense(TinyModels.TF2, TF2, form(KMeansMethod.INSTANCE), InferenceFormEquivalenceTest::kmeans, 1e-6);
  }

  @Test
  void kmeansBlocksOfTwoDecodeRowMajor() throws Exception {
    // codebook of 2-wide blocks: block j of row i covers columns 2j, 2j+1
    assertFormMatchesDense(TinyModels.TF2, Map.of("dense/kernel", new int[] {8, 6}), form(KMeansMethod.INSTANCE), (w, s) -> {
      Random rnd = new Random(5);
      float[] codebook = new float[4 * 2];
      for (int i = 0; i < codebook.length; i++) {
        codebook[i] = (float) rnd.nextGaussian();
      }
      int[] codes = new int[s[0] * s[1] / 2];
      float[] dense = new float[s[0] * s[1]];
      for (int b = 0; b < codes.length; b++) {
        codes[b] = rnd.nextInt(4);
        dense[2 * b] = codebook[2 * codes[b]];
        dense[2 * b + 1] = codebook[2 * codes[b] + 1];
      }
      return new TestFactorization(KMeansMethod.INSTANCE, s[0], s[1], List.of(
          Factor.ofFloats(new FactorSpec("codebook", FactorType.FLOAT32, new int[] {4, 2}, true), codebook),
          Factor.ofInts(new FactorSpec("codes", FactorType.UINT8, new int[] {codes.length}, false), codes)), dense);
    }, 1e-6);
  }

  /** Keeps entries whose index is not a multiple of {@code every}: a bitmap when dense enough, indices when sparse. */
  static Factorization pruned(float[] w, int[] s, boolean indices) {
    int n = w.length;
    java.util.List<Integer> kept = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (indices ? i % 40 == 0 : i % 3 != 0) {
        kept.add(i);
      }
    }
    float[] values = new float[kept.size()];
    float[] dense = new float[n];
    int[] idx = new int[kept.size()];
    int[] bits = new int[n];
    for (int p = 0; p < kept.size(); p++) {
      idx[p] = kept.get(p);
      values[p] = w[idx[p]];
      dense[idx[p]] = values[p];
      bits[idx[p]] = 1;
    }
    Factor v = Factor.ofFloats(FactorSpec.trainableFloat("values", values.length), values);
    Factor positions = indices
        ? Factor.ofInts(new FactorSpec("indices", FactorType.INT32, new int[] {idx.length}, false), idx)
        : Factor.ofInts(new FactorSpec("mask", FactorType.BIT, new int[] {s[0], s[1]}, false), bits);
    return new TestFactorization(PruneMethod.INSTANCE, s[0], s[1], List.of(v, positions), dense);
  }

  @Test
  void prunedBitmapAndIndicesScatterBackExactly() throws Exception {
    assertFormMatchesDense(TinyModels.TF1, TF1, form(PruneMethod.INSTANCE), (w, s) -> pruned(w, s, false), 1e-6);
    assertFormMatchesDense(TinyModels.TF1, Map.of("fc1_w", new int[] {128, 16}, "emb_w", new int[] {50, 16}),
        form(PruneMethod.INSTANCE), (w, s) -> pruned(w, s, true), 1e-6);
  }

  @Test
  void prunedStoresTheMaskPackedEightEntriesAByte() {
    float[] w = new float[64];
    java.util.Arrays.fill(w, 1f);
    List<StoredFactor> twoThirds = form(PruneMethod.INSTANCE).store(pruned(w, new int[] {8, 8}, false));
    assertEquals(List.of("values", "mask"), twoThirds.stream().map(StoredFactor::role).toList());
    assertEquals(8, twoThirds.get(1).bytes(), "64 positions pack into 8 bytes");
    // entry 1 (kept) is bit 1 of byte 0; entries 0 and 3 are pruned
    assertEquals(0b10110110, twoThirds.get(1).value().bytes()[0] & 0xff);
  }

  /** A random 2-slot code over 5 atoms (indices stored as uint8); the product is computed here in plain Java. */
  static Factorization dictionary(float[] w, int[] s) {
    return dictionary(s, 5);
  }

  /** As {@link #dictionary(float[], int[])} over 300 atoms, whose indices need int32. */
  static Factorization wideDictionary(float[] w, int[] s) {
    return dictionary(s, 300);
  }

  private static Factorization dictionary(int[] s, int atoms) {
    Random rnd = new Random(9);
    int width = 2;
    float[] d = new float[atoms * s[1]];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) rnd.nextGaussian();
    }
    int[] idx = new int[s[0] * width];
    float[] vals = new float[s[0] * width];
    float[] dense = new float[s[0] * s[1]];
    for (int r = 0; r < s[0]; r++) {
      for (int k = 0; k < width; k++) {
        idx[r * width + k] = rnd.nextInt(atoms);
        vals[r * width + k] = k == 1 && r % 4 == 0 ? 0f : (float) rnd.nextGaussian();
        for (int c = 0; c < s[1]; c++) {
          dense[r * s[1] + c] += vals[r * width + k] * d[idx[r * width + k] * s[1] + c];
        }
      }
    }
    return new TestFactorization(DictionaryMethod.INSTANCE, s[0], s[1], List.of(
        Factor.ofFloats(FactorSpec.trainableFloat("dictionary", atoms, s[1]), d),
        Factor.ofInts(new FactorSpec("code_indices", FactorType.indexFor(atoms), new int[] {s[0], width}, false), idx),
        Factor.ofFloats(FactorSpec.trainableFloat("code_values", s[0], width), vals)), dense);
  }

  @Test
  void dictionaryGathersCodeRowsAndMatchesItsProduct() throws Exception {
    assertFormMatchesDense(TinyModels.TF1, TF1, form(DictionaryMethod.INSTANCE), InferenceFormEquivalenceTest::dictionary, 2e-5);
    assertFormMatchesDense(TinyModels.TF2, TF2, form(DictionaryMethod.INSTANCE), InferenceFormEquivalenceTest::dictionary, 2e-5);
    assertFormMatchesDense(TinyModels.TF1, TF1, form(DictionaryMethod.INSTANCE), InferenceFormEquivalenceTest::wideDictionary,
        2e-5);
  }

  /** Settings that fit the tiny models' small matrices; a method not listed here is tried with its defaults. */
  private static final Map<String, String> SMALL_SETTINGS = Map.ofEntries(
      Map.entry("lowrank", "absolute_rank=3"),
      Map.entry("simhash", "absolute_rank=5"),
      Map.entry("dictionary", "dl_atoms=6,dl_nonzeros=2,dl_iterations=3"),
      Map.entry("kmeans", "absolute_rank=4,block_size=2"),
      Map.entry("kmeans-prune", "absolute_rank=4,pruning_fraction=0.5"),
      Map.entry("input-output", "compress_input=True,input_block_size=2,input_compression_factor=2"),
      Map.entry("block", "block_compression_factor=2"),
      Map.entry("mixed-block", "compression_factor=2"),
      Map.entry("prune+kmeans", "target_sparsity=0.5,num_clusters=4"),
      Map.entry("lowrank+int8", "absolute_rank=3"),
      Map.entry("lowrank+kmeans", "absolute_rank=3,num_clusters=4"),
      Map.entry("dictionary+int8", "dl_atoms=6,dl_nonzeros=2,dl_iterations=3"),
      Map.entry("simhash+bf16", "absolute_rank=5"));

  /** Compositions whose coder codes at least one factor of the tiny models' matrices. */
  static final List<String> COMPOSITIONS = List.of("prune+kmeans", "prune+int8", "lowrank+int8", "lowrank+fp16",
      "lowrank+kmeans", "dictionary+int8", "simhash+bf16");

  static java.util.stream.Stream<Method> everyMethod() {
    return java.util.stream.Stream.concat(org.matcomp.spec.Methods.ALL.stream(),
        COMPOSITIONS.stream().map(org.matcomp.spec.Methods::byName));
  }

  /**
   * Every method's form — read off its product rule — against the Java oracle (the factorization's own product),
   * through MatMul both ways with transposes, Conv2D, GatherV2 and ResourceGather, TF1 and TF2. The list is
   * {@code Methods.ALL}, so a new method is covered the day it is listed.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("everyMethod")
  void everyMethodsFormComputesItsFactorizationsProduct(Method method) throws Exception {
    org.matcomp.spec.CompressionSpec spec = org.matcomp.spec.CompressionSpec.builder().name("t").method(method)
        .build().withHparams(SMALL_SETTINGS.getOrDefault(method.name(), "name=t"));
    org.matcomp.compressor.MatrixCompressor c = spec.compressor();
    java.util.function.BiFunction<float[], int[], Factorization> compress =
        (w, sh) -> c.compress("w", FloatMatrix.of(sh[0], sh[1], w));
    assertFormMatchesDense(TinyModels.TF1, TF1, form(method), compress, 5e-5);
    assertFormMatchesDense(TinyModels.TF2, TF2, form(method), compress, 5e-5);
    // Einsums (any axis order), batched products (adj_y too), a depthwise filter — low-rank and simhash do not apply
    // to the last, whose form refuses it
    Map<String, int[]> arch = new java.util.HashMap<>(ARCHITECTURES);
    if (form(method).unsupported(org.matcomp.savedmodel.trace.ConsumerKind.DEPTHWISE).isPresent()) {
      arch.remove("depthwise");
    }
    assertFormMatchesDense(TinyModels.ARCHITECTURES, arch, form(method), compress, 5e-5);
  }

  /** Positions re-coded as gaps (what compress stores at high sparsity) decode to the same matrix in TF. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"prune", "prune+kmeans", "prune+int8"})
  void gapCodedPositionsComputeTheProduct(String name) throws Exception {
    Method method = org.matcomp.spec.Methods.byName(name);
    org.matcomp.compressor.MatrixCompressor c = org.matcomp.spec.CompressionSpec.builder().name("t").method(method)
        .build().withHparams("target_sparsity=0.95,num_clusters=4").compressor();
    java.util.function.BiFunction<float[], int[], Factorization> compress = (w, sh) -> {
      Factorization f = org.matcomp.compressor.prune.GapPositions.smallest(c.compress("w", FloatMatrix.of(sh[0],
          sh[1], w)));
      assertTrue(f.factors().stream().anyMatch(x -> x.name().equals("gaps")), "gaps chosen for " + name);
      return f;
    };
    assertFormMatchesDense(TinyModels.TF1, Map.of("fc1_w", new int[] {128, 16}, "emb_w", new int[] {50, 16}),
        form(method), compress, 1e-6);
  }

  static InferenceForm form(Method m) {
    return InferenceForms.forMethod(m).orElseThrow();
  }
}
