package org.matcomp.savedmodel.rewrite;

import org.tensorflow.proto.DataType;
import org.matcomp.savedmodel.trace.ConsumerKind;
import org.matcomp.savedmodel.trace.MatrixView;

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
      case MATMUL, GATHER, BATCH_MATMUL -> ops.raw(site.consumerWithWeight(dense), outputArg(site));
      case CONV2D, DEPTHWISE -> ops.raw(site.consumerWithWeight(weightShaped(site, dense)), "output");
      case EINSUM -> {
        // the weight comes back in the view's axis order (contracted axes first), so the equation says that order
        MatrixView v = site.view();
        String subscripts = v.einsum().contracted() + v.einsum().kept();
        ops.raw(site.consumerWithWeight(weightShaped(site, dense))
            .putAttr("equation", Attrs.string(v.einsum().withWeight(subscripts))), "output");
      }
      case RESOURCE_GATHER -> ops.gather(site.name(), dense, site.otherInput(), DataType.DT_FLOAT,
          site.indexType());
    }
  }

  /** The dense matrix in the shape the consumer reads (a filter's 4-D shape, an Einsum weight's axes). */
  private static String weightShaped(SiteContext site, String dense) {
    long[] s = site.view().weightShape();
    int[] shape = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = Math.toIntExact(s[i]);
    }
    return site.ops().reshape(null, dense, site.ops().constInt32(shape), DataType.DT_FLOAT);
  }

  private static String outputArg(SiteContext site) {
    return site.kind() == ConsumerKind.MATMUL ? "product" : "output";
  }
}
