package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.tensorflow.proto.TensorInfo;
import org.matcomp.savedmodel.trace.VariableInfo;

/**
 * The check that an array holds examples for a tensor of the signature: the array's first axis counts examples and
 * its other axes match the tensor's, wherever the signature knows them. The tensor's first dimension is its batch
 * size, usually unknown (-1); a fixed one is checked against the batch size when batches are cut, not here.
 */
final class ExampleShape {
  private ExampleShape() {}

  /** The tensor's dimensions, -1 where unknown, or null if even its rank is unknown. */
  static long[] dims(TensorInfo tensor) {
    return VariableInfo.dims(tensor.getTensorShape());
  }

  /**
   * Refuses {@code shape}, the shape of the array {@code what}, unless it holds examples for {@code tensor} (named
   * {@code role}, e.g. "input 'x'"): rank at least 1, and equal to the tensor's rank with equal known dimensions.
   */
  static void require(long[] shape, TensorInfo tensor, String what, String role) {
    long[] want = dims(tensor);
    checkArgument(shape.length > 0, "%s has shape []; give one entry per example along the first axis (%s takes %s)",
        what, role, want == null ? "any shape" : Arrays.toString(want));
    if (want == null) {
      return;
    }
    boolean matches = want.length == shape.length;
    for (int i = 1; matches && i < want.length; i++) {
      matches = want[i] < 0 || want[i] == shape[i];
    }
    checkArgument(matches, "%s has shape %s; %s takes %s (-1: any size)", what, Arrays.toString(shape), role,
        Arrays.toString(want));
  }
}
