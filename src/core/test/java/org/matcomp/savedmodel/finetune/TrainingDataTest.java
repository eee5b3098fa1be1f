package org.matcomp.savedmodel.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.io.NpzFiles;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * A signature with a float input x [-1, 4] and an int32 input ids [-1, 2], and a float output probs [-1, 3]; the
 * data has 6 examples, example i holding x = [i, i + 0.5, i + 0.25, -i], ids = [i, 2i] and label i % 3, so any batch
 * shows which examples it holds and whether their rows stayed together.
 */
class TrainingDataTest {
  private static final int N = 6;
  private static final Loss SPARSE = Loss.parse("sparse-categorical", OutputForm.PROBABILITIES);

  @TempDir
  Path tmp;

  private static TensorInfo tensor(DataType dtype, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return TensorInfo.newBuilder().setDtype(dtype).setTensorShape(s).build();
  }

  private static SignatureDef signature(TensorInfo output) {
    return SignatureDef.newBuilder().putInputs("x", tensor(DataType.DT_FLOAT, -1, 4))
        .putInputs("ids", tensor(DataType.DT_INT32, -1, 2)).putOutputs("probs", output).build();
  }

  private static final SignatureDef SIG = signature(tensor(DataType.DT_FLOAT, -1, 3));
  private static final TrainedOutput PROBS = TrainedOutput.choose(SIG, Optional.empty());

  private static float[] xValues(int n) {
    float[] x = new float[n * 4];
    for (int i = 0; i < n; i++) {
      x[4 * i] = i;
      x[4 * i + 1] = i + 0.5f;
      x[4 * i + 2] = i + 0.25f;
      x[4 * i + 3] = -i;
    }
    return x;
  }

  private static Map<String, NpyArray> arrays() {
    int[] ids = new int[2 * N];
    long[] labels = new long[N];
    for (int i = 0; i < N; i++) {
      ids[2 * i] = i;
      ids[2 * i + 1] = 2 * i;
      labels[i] = i % 3;
    }
    Map<String, NpyArray> m = new LinkedHashMap<>();
    m.put("x", NpyArray.ofFloats(new long[] {N, 4}, xValues(N)));
    m.put("ids", NpyArray.ofInts(new long[] {N, 2}, ids));
    m.put("labels", NpyArray.ofLongs(new long[] {N}, labels));
    return m;
  }

  private static Map<String, NpyArray> with(String name, NpyArray a) {
    Map<String, NpyArray> m = arrays();
    m.put(name, a);
    return m;
  }

  private static Map<String, NpyArray> without(String name) {
    Map<String, NpyArray> m = arrays();
    m.remove(name);
    return m;
  }

  private static TrainingData of(Map<String, NpyArray> arrays, Loss loss) {
    return TrainingData.of(arrays, "d.npz", name -> "d.npz array '" + name + "'", SIG, PROBS, loss);
  }

  private static void refused(String message, Executable e) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  // ---- reading ----

  @Test
  void npzStoredDeflatedAndADirectoryOfNpyReadAlike() throws IOException {
    Path stored = NpzFiles.write(tmp.resolve("s.npz"), ZipEntry.STORED, arrays());
    Path deflated = NpzFiles.write(tmp.resolve("d.npz"), ZipEntry.DEFLATED, arrays());
    Path dir = Files.createDirectories(tmp.resolve("dir"));
    for (Map.Entry<String, NpyArray> e : arrays().entrySet()) {
      Npy.write(dir.resolve(e.getKey() + ".npy"), e.getValue());
    }
    Files.writeString(dir.resolve("README.txt"), "not an array, so not read");
    TrainingData.Batch expected = of(arrays(), SPARSE).inOrder(N).get(0);
    for (Path p : List.of(stored, deflated, dir)) {
      TrainingData.Batch b = TrainingData.read(p, SIG, PROBS, SPARSE).inOrder(N).get(0);
      assertEquals(expected.inputs(), b.inputs(), p.toString());
      assertEquals(expected.labels(), b.labels(), p.toString());
    }
  }

  @Test
  void readsNumpysOwnArchivesRoundingFloat64ToFloat32() throws IOException {
    SignatureDef sig = SignatureDef.newBuilder().putInputs("x", tensor(DataType.DT_FLOAT, -1, 4))
        .putOutputs("probs", tensor(DataType.DT_FLOAT, -1, 3)).build();
    TrainedOutput probs = TrainedOutput.choose(sig, Optional.empty());
    // python-interop/make_finetune_fixtures.py: x = arange(24).reshape(6, 4) / 8, labels = [0, 1, 2, 2, 1, 0].
    Path fixtures = Path.of("testdata/finetune");
    TrainingData compressed = TrainingData.read(fixtures.resolve("classify_compressed.npz"), sig, probs, SPARSE);
    TrainingData stored = TrainingData.read(fixtures.resolve("classify_stored.npz"), sig, probs, SPARSE);
    float[] x = new float[24];
    for (int i = 0; i < x.length; i++) {
      x[i] = i / 8f;
    }
    for (TrainingData d : List.of(compressed, stored)) {
      TrainingData.Batch all = d.inOrder(100).get(0);
      assertEquals(6, d.examples());
      assertArrayEquals(x, all.inputs().get("x").floats());
      assertEquals(DataType.DT_INT32, all.labels().dtype());
      assertArrayEquals(new double[] {0, 1, 2, 2, 1, 0}, all.labels().asDoubles());
    }
  }

  @Test
  void float64InputsAreRoundedToNearestFloat32() {
    double[] x = new double[N * 4];
    Arrays.fill(x, 0.1);
    TrainingData d = of(with("x", NpyArray.ofDoubles(new long[] {N, 4}, x)), SPARSE);
    float[] got = d.inOrder(N).get(0).inputs().get("x").floats();
    for (float f : got) {
      assertEquals((float) 0.1, f);
    }
  }

  // ---- refusals: one line naming the culprit ----

  @Test
  void aMissingInputIsNamedWithWhatTheFileHas() {
    refused("d.npz has no array 'ids' for signature input 'ids' (it has [labels, x])", () -> of(without("ids"),
        SPARSE));
  }

  @Test
  void missingLabelsAreNamedWithWhatTheFileHas() {
    refused("d.npz has no array 'labels' holding the targets (it has [ids, x])", () -> of(without("labels"), SPARSE));
  }

  @Test
  void unknownArraysAreRefusedAsLikelyTypos() {
    refused("d.npz has arrays [idz, x_test] that are no signature input (inputs: [ids, x], plus 'labels'); rename or"
        + " remove them", () -> {
          Map<String, NpyArray> m = with("x_test", NpyArray.ofFloats(new long[] {1}, new float[1]));
          m.put("idz", NpyArray.ofInts(new long[] {1}, new int[1]));
          of(m, SPARSE);
        });
  }

  @Test
  void aWrongDtypeNamesArrayInputAndBothDtypes() {
    refused("d.npz array 'x' holds int32 values; input 'x' takes float32 (give float32 or float64)",
        () -> of(with("x", NpyArray.ofInts(new long[] {N, 4}, new int[N * 4])), SPARSE));
    refused("d.npz array 'ids' holds int64 values; input 'ids' takes int32 (give integers of at most that width)",
        () -> of(with("ids", NpyArray.ofLongs(new long[] {N, 2}, new long[N * 2])), SPARSE));
  }

  @Test
  void aWrongShapeNamesArrayInputExpectedAndGot() {
    refused("d.npz array 'x' has shape [6, 3]; input 'x' takes [-1, 4] (-1: any size)",
        () -> of(with("x", NpyArray.ofFloats(new long[] {N, 3}, new float[N * 3])), SPARSE));
    refused("d.npz array 'x' has shape [24]; input 'x' takes [-1, 4] (-1: any size)",
        () -> of(with("x", NpyArray.ofFloats(new long[] {N * 4}, new float[N * 4])), SPARSE));
  }

  @Test
  void differentExampleCountsAreRefusedNamingBoth() {
    refused("d.npz array 'x' holds 5 examples but d.npz array 'labels' holds 6; give one label per example",
        () -> of(with("x", NpyArray.ofFloats(new long[] {5, 4}, xValues(5))), SPARSE));
  }

  @Test
  void nonFiniteDataIsRefusedAtItsFirstIndex() {
    float[] x = xValues(N);
    x[2 * 4 + 1] = Float.NaN;
    x[3 * 4] = Float.POSITIVE_INFINITY;
    refused("d.npz array 'x' has a non-finite entry NaN at [2, 1]",
        () -> of(with("x", NpyArray.ofFloats(new long[] {N, 4}, x)), SPARSE));
    double[] big = new double[N * 4];
    big[5] = 1e300;
    refused("d.npz array 'x': entry 1.0E300 at [1, 1] overflows float32 (largest 3.4028235E38)",
        () -> of(with("x", NpyArray.ofDoubles(new long[] {N, 4}, big)), SPARSE));
  }

  @Test
  void sparseLabelsMustBeClassIndicesOfTheOutput() {
    refused("d.npz array 'labels': label 3 at [4] is not a class index (0 to 2: the output has 3 classes)",
        () -> of(with("labels", NpyArray.ofLongs(new long[] {N}, new long[] {0, 1, 2, 0, 3, -1})), SPARSE));
    refused("d.npz array 'labels': label -1 at [5] is not a class index (0 to 2: the output has 3 classes)",
        () -> of(with("labels", NpyArray.ofLongs(new long[] {N}, new long[] {0, 1, 2, 0, 1, -1})), SPARSE));
    refused("d.npz array 'labels' holds float32 values; labels are class indices (give integers: int64, int32, int16"
        + " or uint8)", () -> of(with("labels", NpyArray.ofFloats(new long[] {N}, new float[N])), SPARSE));
    refused("d.npz array 'labels' has shape [6, 3]; give one class index per example, a 1-D array",
        () -> of(with("labels", NpyArray.ofInts(new long[] {N, 3}, new int[N * 3])), SPARSE));
  }

  @Test
  void categoricalLabelsMustBeProbabilityRowsOfTheOutputsWidth() {
    Loss categorical = Loss.parse("categorical", OutputForm.LOGITS);
    float[] y = new float[N * 3];
    for (int i = 0; i < N; i++) {
      y[3 * i + i % 3] = 1;
    }
    TrainingData ok = of(with("labels", NpyArray.ofFloats(new long[] {N, 3}, y)), categorical);
    assertArrayEquals(y, ok.inOrder(N).get(0).labels().floats());
    float[] short1 = y.clone();
    short1[4] = 0.9f; // row 1 is one-hot on class 1
    refused("d.npz array 'labels': row 1 sums to 0.9, not 1; categorical labels are class probabilities per example"
        + " (one-hot or smoothed)", () -> of(with("labels", NpyArray.ofFloats(new long[] {N, 3}, short1)),
        categorical));
    float[] negative = y.clone();
    negative[7] = -0.5f;
    refused("d.npz array 'labels': entry -0.5 at [2, 1] is negative; categorical labels are class probabilities",
        () -> of(with("labels", NpyArray.ofFloats(new long[] {N, 3}, negative)), categorical));
    refused("d.npz array 'labels' has shape [6, 4]; output 'probs' takes [-1, 3] (-1: any size)",
        () -> of(with("labels", NpyArray.ofFloats(new long[] {N, 4}, new float[N * 4])), categorical));
    refused("d.npz array 'labels' holds int64 values; categorical labels are class probabilities per example (give"
        + " float32 or float64, or use --loss sparse-categorical for class indices)", () -> of(arrays(), categorical));
  }

  @Test
  void mseLabelsAreFloatsShapedAsTheOutput() {
    Loss mse = Loss.parse("mse", OutputForm.LOGITS);
    TrainingData ok = of(with("labels", NpyArray.ofDoubles(new long[] {N, 3}, new double[N * 3])), mse);
    assertEquals(DataType.DT_FLOAT, ok.inOrder(2).get(0).labels().dtype());
    refused("d.npz array 'labels' has shape [6]; output 'probs' takes [-1, 3] (-1: any size)",
        () -> of(with("labels", NpyArray.ofFloats(new long[] {N}, new float[N])), mse));
    refused("d.npz array 'labels' holds int64 values; mse labels are the outputs wanted (give float32 or float64)",
        () -> of(arrays(), mse));
    float[] inf = new float[N * 3];
    inf[4] = Float.NEGATIVE_INFINITY;
    refused("d.npz array 'labels' has a non-finite entry -Infinity at [1, 1]",
        () -> of(with("labels", NpyArray.ofFloats(new long[] {N, 3}, inf)), mse));
  }

  @Test
  void crossEntropiesNeedAClassifierOutput() {
    SignatureDef sig = signature(tensor(DataType.DT_FLOAT, -1, 5, 3));
    TrainedOutput seq = TrainedOutput.choose(sig, Optional.empty());
    refused("output 'probs' has shape [-1, 5, 3]; --loss sparse-categorical needs a [batch, classes] output",
        () -> TrainingData.of(arrays(), "d.npz", n -> n, sig, seq, SPARSE));
  }

  @Test
  void theTrainedOutputIsTheOnlyOneOrTheNamedOne() {
    SignatureDef two = SIG.toBuilder().putOutputs("logits", tensor(DataType.DT_FLOAT, -1, 3))
        .putOutputs("ids", tensor(DataType.DT_INT64, -1)).build();
    assertEquals("probs", TrainedOutput.choose(SIG, Optional.empty()).name());
    assertEquals("logits", TrainedOutput.choose(two, Optional.of("logits")).name());
    refused("the signature has outputs [ids, logits, probs]; choose the one the labels are for with --output",
        () -> TrainedOutput.choose(two, Optional.empty()));
    refused("--output 'prob' is not an output of the signature (outputs: [ids, logits, probs])",
        () -> TrainedOutput.choose(two, Optional.of("prob")));
    refused("output 'ids' is DT_INT64; the losses train float32 outputs",
        () -> TrainedOutput.choose(two, Optional.of("ids")));
  }

  // ---- batches ----

  /** Example i is the first entry of x's row i (see the class comment). */
  private static List<Integer> examplesOf(TrainingData.Batch b) {
    float[] x = b.inputs().get("x").floats();
    int[] ids = new int[b.size() * 2];
    java.nio.ByteBuffer.wrap(b.inputs().get("ids").bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer()
        .get(ids);
    double[] labels = b.labels().asDoubles();
    List<Integer> out = new ArrayList<>();
    for (int r = 0; r < b.size(); r++) {
      int i = (int) x[4 * r];
      assertArrayEquals(new float[] {i, i + 0.5f, i + 0.25f, -i}, Arrays.copyOfRange(x, 4 * r, 4 * r + 4));
      assertEquals(List.of(i, 2 * i), List.of(ids[2 * r], ids[2 * r + 1]), "ids row stays with its example");
      assertEquals(i % 3, labels[r], "label stays with its example");
      assertEquals(i, b.examples()[r]);
      out.add(i);
    }
    return out;
  }

  private static List<List<Integer>> epochOf(TrainingData d, int epoch, int batchSize, long seed) {
    List<List<Integer>> out = new ArrayList<>();
    for (TrainingData.Batch b : d.epoch(epoch, batchSize, seed)) {
      out.add(examplesOf(b));
    }
    return out;
  }

  @Test
  void everyEpochHoldsEveryExampleOnceInBatchesOfTheSizeAskedAndTheRestLast() {
    TrainingData d = of(arrays(), SPARSE);
    for (int epoch = 0; epoch < 5; epoch++) {
      List<List<Integer>> batches = epochOf(d, epoch, 4, 7);
      assertEquals(List.of(4, 2), batches.stream().map(List::size).toList());
      List<Integer> all = new ArrayList<>();
      batches.forEach(all::addAll);
      all.sort(null);
      assertEquals(List.of(0, 1, 2, 3, 4, 5), all);
    }
  }

  @Test
  void theSameSeedAndEpochGiveTheSameBatchesAndEachEpochIsReshuffled() {
    TrainingData d = of(arrays(), SPARSE);
    List<List<List<Integer>>> epochs = new ArrayList<>();
    for (int epoch = 0; epoch < 4; epoch++) {
      epochs.add(epochOf(d, epoch, 2, 42));
    }
    // Independent of what was drawn before: epoch 3 alone equals epoch 3 after 0, 1, 2.
    assertEquals(epochs.get(3), epochOf(of(arrays(), SPARSE), 3, 2, 42));
    assertEquals(epochs.get(0), epochOf(d, 0, 2, 42));
    assertEquals(4, epochs.stream().distinct().count(), "each epoch in its own order: " + epochs);
    assertNotEquals(epochs.get(0), epochOf(d, 0, 2, 43));
  }

  @Test
  void evaluationChunksHoldEveryExampleInOrder() {
    List<List<Integer>> chunks = new ArrayList<>();
    for (TrainingData.Batch b : of(arrays(), SPARSE).inOrder(4)) {
      chunks.add(examplesOf(b));
    }
    assertEquals(List.of(List.of(0, 1, 2, 3), List.of(4, 5)), chunks);
  }

  @Test
  void aBatchSizeTheSignatureFixesIsRequired() {
    SignatureDef fixed = SignatureDef.newBuilder().putInputs("x", tensor(DataType.DT_FLOAT, 2, 4))
        .putInputs("ids", tensor(DataType.DT_INT32, -1, 2)).putOutputs("probs", tensor(DataType.DT_FLOAT, -1, 3))
        .build();
    TrainingData d = TrainingData.of(arrays(), "d.npz", n -> n, fixed, PROBS, SPARSE);
    assertEquals(3, d.epoch(0, 2, 1).size());
    refused("signature input 'x' takes batches of exactly 2 examples; give a batch size of 2 and a multiple of it"
        + " examples (got batch size 4, 6 examples)", () -> d.epoch(0, 4, 1));
  }

  @Test
  void aBatchSplitsIntoContiguousPartsThatTogetherAreTheBatch() {
    TrainingData d = of(arrays(), SPARSE);
    TrainingData.Batch whole = d.epoch(0, 5, 7).get(0);
    List<Integer> joined = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int part = 0; part < 2; part++) {
      TrainingData.Batch p = d.part(whole, part, 2);
      joined.addAll(examplesOf(p)); // checks each tensor row against the example the part names
      sizes.add(p.size());
    }
    assertEquals(examplesOf(whole), joined);
    assertEquals(List.of(2, 3), sizes);
    // fewer examples than parts: each part is the whole batch (its mean gradient is the batch's)
    TrainingData.Batch last = d.epoch(0, 5, 7).get(1);
    assertEquals(examplesOf(last), examplesOf(d.part(last, 1, 2)));
  }

  @Test
  void aBatchTheSignatureFixesIsNotSplit() {
    SignatureDef fixed = SignatureDef.newBuilder().putInputs("x", tensor(DataType.DT_FLOAT, 2, 4))
        .putInputs("ids", tensor(DataType.DT_INT32, -1, 2)).putOutputs("probs", tensor(DataType.DT_FLOAT, -1, 3))
        .build();
    TrainingData d = TrainingData.of(arrays(), "d.npz", n -> n, fixed, PROBS, SPARSE);
    TrainingData.Batch b = d.epoch(0, 2, 1).get(0);
    assertEquals(examplesOf(b), examplesOf(d.part(b, 1, 2)));
  }
}
