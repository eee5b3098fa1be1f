package org.matcomp.savedmodel.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.operator.Phase;
import org.matcomp.savedmodel.MatrixOutcome;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;

/**
 * Fine-tuning the quick-start MLP on its 64 labelled images: the schedule runs through its phases, the report's
 * figures are the model's (the original accuracy is the SavedModel's own, post hoc is compress's), training on the
 * data raises the accuracy post-hoc compression lost, and the export serves the trained model.
 */
class SavedModelFineTunerTest {
  private static final Path MODEL = Path.of("testdata/savedmodels/quickstart_mlp");

  @TempDir
  Path dir;

  /** The quick-start images as a finetune DATA directory: pixels.npy (the signature's input) and labels.npy. */
  private Path data() throws Exception {
    Path d = Files.createDirectories(dir.resolve("data"));
    Files.copy(Path.of("testdata/quickstart/inputs.npy"), d.resolve("pixels.npy"));
    Files.copy(Path.of("testdata/quickstart/labels.npy"), d.resolve("labels.npy"));
    return d;
  }

  @Test
  void lowRankFineTuningRecoversWhatPostHocCompressionLostAndTheExportServesIt() throws Exception {
    Path data = data();
    long steps = 120;
    CompressionSpec spec = SavedModelFineTuner.scheduleDefaults(steps).method(LowRankMethod.INSTANCE)
        .absoluteRank(16).seed(42).build();
    Loss loss = Loss.parse("sparse-categorical", OutputForm.LOGITS);
    FineTuneOptions o = FineTuneOptions.of(MODEL, dir.resolve("out"), spec, loss).withTraining(steps, 16, 1e-3f)
        .withLayers("dense");
    List<Phase> phases = new ArrayList<>();
    List<String> evaluations = new ArrayList<>();
    FineTuneReport r = SavedModelFineTuner.run(o, data, data, new FineTuneListener() {
      @Override
      public void stepped(long step, float loss, Phase phase) {
        if (phases.isEmpty() || phases.get(phases.size() - 1) != phase) {
          phases.add(phase);
        }
      }

      @Override
      public void evaluated(String what, String metricName, double metric) {
        evaluations.add(what);
      }
    });
    System.out.println(r.toText());
    assertEquals(List.of(Phase.DENSE, Phase.BLENDING, Phase.COMPRESSED), phases);
    assertEquals(List.of("original", "post hoc", "entering blending", "entering compressed", "fine-tuned"),
        evaluations);
    // the SavedModel's own accuracy on these images (README quick start: 55/64) and compress --rank 16's (49/64)
    assertEquals(55 / 64.0, r.metricOriginal(), 1e-6);
    assertEquals(49 / 64.0, r.metricPostHoc(), 1e-6);
    assertTrue(r.metricFineTuned() > r.metricPostHoc(), r.toText());
    assertTrue(r.exportMaxAbsDiff() <= 1e-3, r.toText());
    List<MatrixOutcome> compressed = r.matrices().stream().filter(MatrixOutcome::compressed).toList();
    assertEquals(List.of("dense_1/kernel", "dense_2/kernel"), compressed.stream().map(MatrixOutcome::name).sorted()
        .toList());
    assertTrue(r.variablesDiskBytesAfter() * 4 < r.variablesDiskBytesBefore(), r.toText());

    // the export, loaded afresh, gives the reported accuracy
    NpyArray x = Npy.read(data.resolve("pixels.npy"));
    int[] labels = Npy.read(data.resolve("labels.npy")).intData();
    try (SavedModelBundle b = SavedModelBundle.load(dir.resolve("out").toString(), "serve");
        Tensor in = TensorValue.ofFloats(x.shape(), x.floatData()).toTensor();
        var out = b.function("serving_default").call(Map.of("pixels", in))) {
      float[] logits = TensorValue.of(out.get("logits").orElseThrow()).floats();
      int right = 0;
      for (int i = 0; i < labels.length; i++) {
        int best = 0;
        for (int k = 1; k < 10; k++) {
          best = logits[i * 10 + k] > logits[i * 10 + best] ? k : best;
        }
        right += best == labels[i] ? 1 : 0;
      }
      assertEquals(r.metricFineTuned(), right / 64.0, 1e-6);
    }
    assertFalse(Files.exists(dir.resolve("out").resolve("variables").resolve("dense_1")));
  }
}
