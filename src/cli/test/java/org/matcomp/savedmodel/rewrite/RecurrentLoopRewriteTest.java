package org.matcomp.savedmodel.rewrite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.lowrank.LowRankCompressor;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.python.Zoo;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.WeightMatrix;

/**
 * A rewritten loop is still the loop: the zoo's Python-trained LSTM (Keras 3, the kernels' handles are loop
 * variables) and GRU (tf-keras, the kernels' values pass through standard_gru into a StatelessWhile), their input and
 * recurrent kernels factored at rank 16, must compute what the same model computes with the factors' dense products
 * as its kernels — on sequences shorter and longer than the 20 tokens they were trained and traced with, so the loop
 * runs 7 and 33 times and every output keeps its shape.
 */
class RecurrentLoopRewriteTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource({"lstm, lstm/lstm_cell/kernel_1, lstm/lstm_cell/recurrent_kernel_1",
      "gru, gru/gru_cell/kernel, gru/gru_cell/recurrent_kernel"})
  void factoredKernelsInsideTheLoopMatchTheirDenseProductsAtOtherLengths(String model, String kernel,
      String recurrent) throws Exception {
    Path zoo = Zoo.model(model).dir();
    ServingGraph graph = ServingGraph.of(SavedModelDirectory.open(zoo, "serve"));
    Map<String, Factorization> factored = new LinkedHashMap<>();
    Map<String, float[]> dense = new LinkedHashMap<>();
    for (String name : new String[] {kernel, recurrent}) {
      WeightMatrix m = graph.matrices().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
      assertTrue(m.compressible(), name + ": " + m.problems());
      Factorization f = LowRankCompressor.withRank(16).compress(name,
          FloatMatrix.of(m.rows(), m.cols(), RewriteHarness.weight(zoo, name)));
      factored.put(name, f);
      dense.put(name, f.product().copyData());
    }
    Path rewritten = dir.resolve("rewritten");
    Path reference = dir.resolve("reference");
    RewriteHarness.exportRewritten(zoo, factored, InferenceFormEquivalenceTest.form(LowRankMethod.INSTANCE),
        rewritten);
    RewriteHarness.exportWithValues(zoo, dense, reference);
    Random rnd = new Random(5);
    for (int length : new int[] {7, 33}) {
      int[] ids = new int[2 * length];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = rnd.nextInt(10_000);
      }
      double d = RewriteHarness.maxDiff(reference, rewritten,
          Map.of("tokens", TensorValue.ofInts(new long[] {2, length}, ids)));
      assertTrue(d < 1e-4, model + " at length " + length + ": the rewritten loop differs by " + d);
    }
  }
}
