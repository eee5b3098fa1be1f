package org.matcomp.operator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.matcomp.hostcallback.HostCallbackOp;
import org.matcomp.hostcallback.HostCallbacks;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.GraphOperation;
import org.tensorflow.Graph;

/**
 * Re-registers the in-graph update callbacks of a graph loaded in a fresh JVM (e.g. an exported training graph with
 * update_option 0): each update node's callback name carries its matrix and spec, so the same compressor is rebuilt
 * from the spec and registered under that name.
 */
public final class GraphUpdates {
  private GraphUpdates() {}

  /** Registers every update callback the graph names and that is not registered yet; returns their names. */
  public static List<String> registerCallbacks(Graph graph) {
    List<String> registered = new ArrayList<>();
    Iterator<GraphOperation> ops = graph.operations();
    while (ops.hasNext()) {
      GraphOperation op = ops.next();
      if (!op.type().equals(HostCallbackOp.OP_NAME)) {
        continue;
      }
      String name = op.attributes().getAttrString("callback");
      if (!name.startsWith(GraphUpdate.CALLBACK_PREFIX) || HostCallbacks.isRegistered(name)) {
        continue;
      }
      String[] parts = name.substring(GraphUpdate.CALLBACK_PREFIX.length()).split(":", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException("update node " + op.name() + " has a malformed callback name '" + name
            + "'");
      }
      CompressionSpec spec = CompressionSpec.parse(parts[2]);
      HostCallbacks.register(name, GraphUpdate.factorCallback(parts[0], spec.compressor()));
      registered.add(name);
    }
    return registered;
  }
}
