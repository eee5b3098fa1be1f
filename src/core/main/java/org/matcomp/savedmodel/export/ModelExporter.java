package org.matcomp.savedmodel.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.matcomp.savedmodel.trace.Location;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.TensorRef;

/**
 * Writes a rewritten graph as a SavedModel: imports it into a fresh Graph (which validates every node and function
 * body), restores the variables from a checkpoint written beside it, and exports through TF Java's exporter. The
 * signature defs are then copied verbatim from the original, so names, dtypes and shapes match exactly.
 *
 * <p>The result is a TF1-style SavedModel (one MetaGraph, a saver, signatures; no object graph): it loads in TF Java,
 * TF Serving and the C++ loader, and in Python through {@code tf.saved_model.load} — not {@code keras.models.load_model}.
 */
public final class ModelExporter {
  private ModelExporter() {}

  public static void export(GraphDef graph, Map<String, TensorValue> values, Map<String, SignatureDef> signatures,
      List<String> tags, Path dir, Path scratch) throws IOException {
    export(graph, values, signatures, tags, dir, scratch, java.util.Optional.empty());
  }

  /**
   * As {@link #export(GraphDef, Map, Map, List, Path, Path)}, with {@code initOp} (a node of {@code graph}) as the
   * SavedModel's init op ({@code __saved_model_init_op}), which every loader runs after restoring the variables.
   */
  public static void export(GraphDef graph, Map<String, TensorValue> values, Map<String, SignatureDef> signatures,
      List<String> tags, Path dir, Path scratch, java.util.Optional<String> initOp) throws IOException {
    try (Graph g = new Graph()) {
      try {
        g.importGraphDef(graph);
      } catch (TensorFlowException | IllegalArgumentException e) {
        throw new IllegalStateException("the rewritten graph does not import: "
            + SavedModelDirectory.firstLine(e.getMessage()), e);
      }
      try (Session s = new Session(g)) {
        String prefix = scratch.resolve("values").toString();
        CheckpointWriter.write(prefix, values);
        s.restore(prefix);
        SavedModelBundle.Exporter exporter = SavedModelBundle.exporter(dir.toString()).withTags(tags.toArray(
            String[]::new));
        for (Map.Entry<String, SignatureDef> e : signatures.entrySet()) {
          exporter.withFunction(SessionFunction.create(signature(g, e.getKey(), e.getValue()), s));
        }
        exporter.export();
      } catch (TensorFlowException e) {
        throw new IllegalStateException("exporting the rewritten model failed: "
            + SavedModelDirectory.firstLine(e.getMessage()), e);
      }
    }
    Map<String, SignatureDef> defs = new java.util.LinkedHashMap<>(signatures);
    initOp.ifPresent(op -> defs.put(INIT_OP_KEY, SignatureDef.newBuilder().putOutputs(INIT_OP_KEY,
        TensorInfo.newBuilder().setName(op).build()).build()));
    restoreSignatureDefs(dir.resolve("saved_model.pb"), defs);
  }

  /** The signature key under which a SavedModel names its init op (TF's {@code INIT_OP_SIGNATURE_KEY}). */
  public static final String INIT_OP_KEY = "__saved_model_init_op";

  private static Signature signature(Graph g, String key, SignatureDef def) {
    Signature.Builder b = Signature.builder().key(key).methodName(def.getMethodName());
    def.getInputsMap().forEach((name, t) -> b.input(name, output(g, t)));
    def.getOutputsMap().forEach((name, t) -> b.output(name, output(g, t)));
    return b.build();
  }

  private static org.tensorflow.Output<?> output(Graph g, TensorInfo t) {
    TensorRef r = TensorRef.parse(t.getName(), Location.TOP);
    GraphOperation op = g.operation(r.node());
    if (op == null) {
      throw new IllegalStateException("signature tensor " + t.getName() + " is missing from the rewritten graph");
    }
    // The rewrite keeps every node a signature names, with its outputs: an index beyond them was in the input.
    if (r.index() < 0 || r.index() >= op.numOutputs()) {
      throw new IllegalArgumentException("the model's signature names tensor " + t.getName() + ", but node '"
          + r.node() + "' (" + op.type() + ") has " + op.numOutputs() + " output(s)");
    }
    return op.output(r.index());
  }

  private static void restoreSignatureDefs(Path pb, Map<String, SignatureDef> signatures) throws IOException {
    SavedModel model;
    try (InputStream in = Files.newInputStream(pb)) {
      model = SavedModel.parseFrom(in);
    }
    MetaGraphDef.Builder m = model.getMetaGraphs(0).toBuilder().clearSignatureDef().putAllSignatureDef(signatures);
    SavedModel fixed = model.toBuilder().setMetaGraphs(0, m).build();
    try (OutputStream out = Files.newOutputStream(pb)) {
      fixed.writeTo(out);
    }
  }
}
