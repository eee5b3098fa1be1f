package org.matcomp.savedmodel.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.savedmodel.TinyModels;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.export.VariableReader;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.DataType;

/**
 * K-means codes narrower than a byte are stored packed (⌈n·bits/8⌉ bytes) and unpacked by stock ops to exactly the
 * codes the byte-a-code form reads: the two exports of one factorization give bit-identical outputs, for every width
 * and for code counts that leave the last byte part empty.
 */
class PackedCodesFormTest {
  @TempDir
  Path dir;

  // 48, 120 and 36 codes: 36 one-bit codes leave four bits of padding, 36 four-bit codes none.
  private static final Map<String, int[]> TF2 = Map.of("dense/kernel", new int[] {8, 6}, "emb/embeddings",
      new int[] {20, 6}, "tied/kernel", new int[] {6, 6});

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 16, 17, 256, 300})
  void packedCodesGiveTheOutputsOfByteCodes(int clusters) throws Exception {
    FactorType packed = FactorType.indexFor(clusters);
    FactorType wide = clusters <= 256 ? FactorType.UINT8 : FactorType.INT32;
    assertEquals(clusters <= 2 ? 1 : clusters <= 4 ? 2 : clusters <= 16 ? 4 : clusters <= 256 ? 8 : 32,
        packed.bitsPerEntry());
    InferenceForm form = InferenceFormEquivalenceTest.form(KMeansMethod.INSTANCE);
    Map<String, Factorization> narrow = new LinkedHashMap<>();
    Map<String, Factorization> bytes = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : TF2.entrySet()) {
      int[] s = e.getValue();
      Random rnd = new Random(clusters * 31L + s[0]);
      float[] codebook = new float[clusters];
      for (int i = 0; i < clusters; i++) {
        codebook[i] = (float) rnd.nextGaussian();
      }
      int[] codes = new int[s[0] * s[1]];
      float[] dense = new float[codes.length];
      for (int i = 0; i < codes.length; i++) {
        // the largest code appears, so every bit of the width is exercised
        codes[i] = i == 0 ? clusters - 1 : rnd.nextInt(clusters);
        dense[i] = codebook[codes[i]];
      }
      narrow.put(e.getKey(), kmeans(s, codebook, codes, dense, packed));
      bytes.put(e.getKey(), kmeans(s, codebook, codes, dense, wide));
      List<StoredFactor> stored = form.store(narrow.get(e.getKey()));
      long expected = (codes.length * (long) packed.bitsPerEntry() + 7) / 8;
      assertEquals(expected, stored.get(1).bytes(), e.getKey() + " codes");
    }
    RewriteHarness.exportRewritten(TinyModels.TF2, narrow, form, dir.resolve("packed"));
    RewriteHarness.exportRewritten(TinyModels.TF2, bytes, form, dir.resolve("bytes"));
    assertEquals(0.0, RewriteHarness.maxDiff(dir.resolve("bytes"), dir.resolve("packed")));

    // What the SavedModel holds: the packed bytes, as a flat uint8 vector.
    SavedModelDirectory out = SavedModelDirectory.open(dir.resolve("packed"), "serve");
    ServingGraph graph = ServingGraph.of(out);
    try (SavedModelBundle b = out.load()) {
      Map<String, TensorValue> values = VariableReader.read(b, graph.servingVariables());
      for (Map.Entry<String, int[]> e : TF2.entrySet()) {
        TensorValue codes = values.get(e.getKey() + "_test_codes");
        long n = (long) e.getValue()[0] * e.getValue()[1];
        long expected = (n * packed.bitsPerEntry() + 7) / 8;
        if (packed.packed()) {
          assertEquals(DataType.DT_UINT8, codes.dtype());
          assertArrayEquals(new long[] {expected}, codes.shape(), e.getKey());
        }
        assertEquals(expected, codes.bytes().length, e.getKey());
      }
    }
  }

  private static Factorization kmeans(int[] s, float[] codebook, int[] codes, float[] dense, FactorType codeType) {
    return new TestFactorization(KMeansMethod.INSTANCE, s[0], s[1], List.of(
        Factor.ofFloats(new FactorSpec("codebook", FactorType.FLOAT32, new int[] {codebook.length, 1}, true),
            codebook),
        Factor.ofInts(new FactorSpec("codes", codeType, new int[] {s[0], s[1]}, false), codes)), dense);
  }
}
