package org.matcomp.savedmodel.trace;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.matcomp.hostcallback.NativeLibrary;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Refuses, before TensorFlow loads it, a graph that uses an op this runtime does not have — typically a model that a
 * newer Python TensorFlow wrote — naming the op, where it is, and the TensorFlow version that wrote the model, instead
 * of TensorFlow's "Op type not registered" stack.
 */
final class KnownOps {
  /** matcomp's own op; its library registers it when loaded. */
  private static final String HOST_CALLBACK_OP = "MatcompHostCallback";

  private static Set<String> registered;

  private KnownOps() {}

  static void check(Path pb, MetaGraphDef meta) {
    // a node may also call a library function by naming it as its op
    Set<String> functions = meta.getGraphDef().getLibrary().getFunctionList().stream()
        .map(f -> f.getSignature().getName()).collect(Collectors.toSet());
    for (NodeDef n : meta.getGraphDef().getNodeList()) {
      checkOp(pb, meta, n, "graph", functions);
    }
    for (FunctionDef f : meta.getGraphDef().getLibrary().getFunctionList()) {
      for (NodeDef n : f.getNodeDefList()) {
        checkOp(pb, meta, n, "function " + f.getSignature().getName(), functions);
      }
    }
  }

  private static void checkOp(Path pb, MetaGraphDef meta, NodeDef n, String where, Set<String> functions) {
    if (functions.contains(n.getOp()) || known(n.getOp())) {
      return;
    }
    var info = meta.getMetaInfoDef();
    String writer = info.getTensorflowVersion().isEmpty() ? "an unrecorded TensorFlow version"
        : "TensorFlow " + info.getTensorflowVersion();
    throw new IllegalArgumentException(pb + " uses op '" + n.getOp() + "' (node '" + n.getName() + "' in " + where
        + "), which TensorFlow " + TensorFlow.version() + " (TF Java's runtime) does not have; the model was written"
        + " by " + writer + ": re-export it with TensorFlow " + TensorFlow.version().replaceAll("\\.\\d+$", "")
        + ".x, or without that op");
  }

  private static synchronized boolean known(String op) {
    if (registered == null) {
      registered = TensorFlow.registeredOpList().getOpList().stream().map(OpDef::getName)
          .collect(Collectors.toUnmodifiableSet());
    }
    if (registered.contains(op)) {
      return true;
    }
    if (op.equals(HOST_CALLBACK_OP) && NativeLibrary.currentPlatform().equals(NativeLibrary.PLATFORM)) {
      NativeLibrary.load();
      registered = null;
      return TensorFlow.registeredOpList().getOpList().stream().anyMatch(d -> d.getName().equals(op));
    }
    return false;
  }
}
