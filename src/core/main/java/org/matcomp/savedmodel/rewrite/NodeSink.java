package org.matcomp.savedmodel.rewrite;

import org.tensorflow.proto.NodeDef;
import org.matcomp.savedmodel.trace.Location;
import org.matcomp.savedmodel.trace.TensorRef;

/**
 * Where emitted nodes go: the top-level graph or one function body. It hands out names unique in that body and
 * writes references in the body's syntax ({@code node:i} or {@code node:outarg:i}).
 */
interface NodeSink {
  Location location();

  /** {@code base}, or {@code base_N} if taken; reserved at once. */
  String uniqueName(String base);

  void add(NodeDef node);

  default String ref(String node, String outputArg, int index) {
    return TensorRef.format(location(), node, outputArg, index);
  }
}
