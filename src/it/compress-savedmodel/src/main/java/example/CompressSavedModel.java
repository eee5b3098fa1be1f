package example;

import java.nio.file.Path;
import java.util.Map;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.savedmodel.CompressOptions;
import org.matcomp.savedmodel.CompressReport;
import org.matcomp.savedmodel.SavedModelCompressor;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Compresses a SavedModel's weight matrices to rank 16 through matcomp's Java API, then serves the result with plain
 * TF Java. Usage: {@code CompressSavedModel MODEL_DIR OUT_DIR} (OUT_DIR must not exist).
 */
public final class CompressSavedModel {
  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    Path out = Path.of(args[1]);

    // The method and its settings; CompressionSpec.parse("...") takes graph_compression's hparam strings too.
    CompressionSpec spec = CompressionSpec.builder().method(LowRankMethod.INSTANCE).absoluteRank(16).build();
    // withVerify: run both models on random inputs and report how far the outputs moved.
    CompressReport report = SavedModelCompressor.run(CompressOptions.of(model, out, spec).withVerify(true));
    System.out.println(report.toText());
    if (report.variablesDiskBytesAfter() >= report.variablesDiskBytesBefore()) {
      throw new IllegalStateException("the compressed variables are not smaller");
    }

    // The output is an ordinary SavedModel of stock TF ops: load and call it like the original.
    try (SavedModelBundle bundle = SavedModelBundle.load(out.toString(), "serve");
        TFloat32 pixels = TFloat32.tensorOf(Shape.of(1, 28, 28));
        Result result = bundle.function("serving_default").call(Map.of("pixels", pixels))) {
      Shape logits = result.get("logits").orElseThrow().shape();
      if (!logits.equals(Shape.of(1, 10))) {
        throw new IllegalStateException("logits have shape " + logits);
      }
      System.out.println("served " + out + ": logits " + logits);
    }
  }
}
