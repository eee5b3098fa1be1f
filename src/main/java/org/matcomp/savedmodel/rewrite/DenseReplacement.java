package org.matcomp.savedmodel.rewrite;

import org.tensorflow.proto.DataType;
import org.matcomp.savedmodel.trace.ConsumerKind;

/**
 * The fallback shared by forms whose product is cheapest built whole: given the dense m×n weight rebuilt from the
 * factors, emit the consumer's own op on it (a Conv2D filter is reshaped back to 4-D first, a ResourceGather becomes
 * a GatherV2 on the rebuilt matrix). Correct for every consumer kind; the saving is in storage, not in FLOPs.
 */
final class DenseReplacement {
  private DenseReplacement() {}

  static void emit(SiteContext site, String dense) {
    OpEmitter ops = site.ops();
    switch (site.kind()) {
      case MATMUL, GATHER -> ops.raw(site.consumerWithWeight(dense), outputArg(site));
      case CONV2D -> {
        long[] s = site.variableShape();
        String shape = ops.constInt32((int) s[0], (int) s[1], (int) s[2], (int) s[3]);
        String filter = ops.reshape(null, dense, shape, DataType.DT_FLOAT);
        ops.raw(site.consumerWithWeight(filter), "output");
      }
      case RESOURCE_GATHER -> ops.gather(site.name(), dense, site.otherInput(), DataType.DT_FLOAT,
          site.indexType());
    }
  }

  private static String outputArg(SiteContext site) {
    return site.kind() == ConsumerKind.MATMUL ? "product" : "output";
  }
}
