package org.matcomp.savedmodel.rewrite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.matcomp.compressor.Factorization;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.matcomp.savedmodel.export.ModelExporter;
import org.matcomp.savedmodel.export.ModelVerifier;
import org.matcomp.savedmodel.export.OutputDirectory;
import org.matcomp.savedmodel.export.ResourceSaverBuilder;
import org.matcomp.savedmodel.export.SampleInputs;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.export.VariableReader;
import org.matcomp.savedmodel.export.VerifyReport;
import org.matcomp.savedmodel.rewrite.GraphRewriter;
import org.matcomp.savedmodel.rewrite.InferenceForm;
import org.matcomp.savedmodel.rewrite.Replacement;
import org.matcomp.savedmodel.rewrite.StoredFactor;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.matcomp.savedmodel.trace.WeightMatrix;

/**
 * Test plumbing below the CLI: rewrite a model with given factorizations (no saving threshold, so full-rank and
 * other exact factorizations can pin the rewrite), or export it unchanged with some weights swapped for dense values
 * (the reference a rewrite must reproduce), and compare signatures' outputs.
 */
final class RewriteHarness {
  private RewriteHarness() {}

  /** Exports {@code model} with each named weight replaced by its factorization in {@code form}. */
  static void exportRewritten(Path model, Map<String, Factorization> factorized, InferenceForm form, Path out)
      throws IOException {
    SavedModelDirectory dir = SavedModelDirectory.open(model, "serve");
    ServingGraph graph = ServingGraph.of(dir);
    try (SavedModelBundle b = dir.load()) {
      Map<String, TensorValue> values = VariableReader.read(b, graph.servingVariables());
      List<Replacement> replacements = new ArrayList<>();
      for (Map.Entry<String, Factorization> e : factorized.entrySet()) {
        WeightMatrix m = graph.matrices().stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElseThrow();
        if (!m.compressible()) {
          throw new IllegalArgumentException(m.name() + ": " + m.problems());
        }
        List<StoredFactor> stored = form.store(e.getValue());
        List<String> names = stored.stream().map(s -> m.name() + "_test_" + s.role()).toList();
        replacements.add(new Replacement(m.variable(), form, stored, names, m.rows(), m.cols()));
        for (int j = 0; j < stored.size(); j++) {
          values.put(names.get(j), stored.get(j).value());
        }
      }
      GraphDef g = ResourceSaverBuilder.addSaver(GraphRewriter.rewrite(graph.pruned(), replacements));
      export(g, values, graph, dir, out);
    }
  }

  /** Exports the pruned model unchanged except that the named weights take the given dense values. */
  static void exportWithValues(Path model, Map<String, float[]> dense, Path out) throws IOException {
    SavedModelDirectory dir = SavedModelDirectory.open(model, "serve");
    ServingGraph graph = ServingGraph.of(dir);
    try (SavedModelBundle b = dir.load()) {
      Map<String, TensorValue> values = VariableReader.read(b, graph.servingVariables());
      dense.forEach((k, v) -> values.put(k, TensorValue.ofFloats(values.get(k).shape(),
          matrix(graph, k).variableValues(v))));
      export(ResourceSaverBuilder.addSaver(graph.pruned()), values, graph, dir, out);
    }
  }

  private static void export(GraphDef g, Map<String, TensorValue> values, ServingGraph graph, SavedModelDirectory dir,
      Path out) throws IOException {
    Map<String, TensorValue> kept = new LinkedHashMap<>();
    for (NodeDef n : g.getNodeList()) {
      if (VariableInfo.isVariable(n)) {
        kept.put(n.getName(), values.get(n.getName()));
      }
    }
    Path scratch = Files.createTempDirectory("harness-");
    try {
      Files.createDirectories(out);
      ModelExporter.export(g, kept, graph.signatures(), List.of("serve"), out, scratch);
    } finally {
      OutputDirectory.deleteRecursively(scratch);
    }
  }

  /** Max |a − b| over every output of serving_default, on the given feeds. */
  static double maxDiff(Path a, Path b, java.util.Map<String, TensorValue> feeds) throws IOException {
    SavedModelDirectory da = SavedModelDirectory.open(a, "serve");
    try (SavedModelBundle ba = da.load(); SavedModelBundle bb = SavedModelDirectory.open(b, "serve").load()) {
      VerifyReport r = ModelVerifier.verify(ba, bb, java.util.Map.of("serving_default",
          da.signatures().get("serving_default")), key -> List.of(new SampleInputs.Batch(feeds, null)));
      return r.total().max();
    }
  }

  /** Max |a − b| over every output of every signature, on the same random inputs. */
  static double maxDiff(Path a, Path b) throws IOException {
    SavedModelDirectory da = SavedModelDirectory.open(a, "serve");
    try (SavedModelBundle ba = da.load(); SavedModelBundle bb = SavedModelDirectory.open(b, "serve").load()) {
      VerifyReport r = ModelVerifier.verify(ba, bb, da.signatures(),
          key -> List.of(SampleInputs.random(da.signatures().get(key), 5, 3).orElseThrow()));
      return r.total().max();
    }
  }

  /** The weight as the matrix its consumers multiply by (an Einsum weight's contracted axes first). */
  static float[] weight(Path model, String name) throws IOException {
    SavedModelDirectory dir = SavedModelDirectory.open(model, "serve");
    ServingGraph graph = ServingGraph.of(dir);
    VariableInfo v = graph.servingVariables().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    try (SavedModelBundle b = dir.load()) {
      return matrix(graph, name).matrixValues(VariableReader.read(b, List.of(v)).get(name).floats());
    }
  }

  private static WeightMatrix matrix(ServingGraph graph, String name) {
    return graph.matrices().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
  }
}
