package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Optional;
import java.util.TreeSet;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/** The signature output the loss is computed on ({@code --output NAME}), with its description. */
public record TrainedOutput(String name, TensorInfo info) {
  /**
   * The output named {@code requested}, or the signature's only output when none is: a model with several outputs
   * (logits and probabilities, say) must be told which one the labels are for. It must be float32, what the losses
   * take.
   */
  public static TrainedOutput choose(SignatureDef signature, Optional<String> requested) {
    TreeSet<String> names = new TreeSet<>(signature.getOutputsMap().keySet());
    String name;
    if (requested.isPresent()) {
      name = requested.get();
      checkArgument(names.contains(name), "--output '%s' is not an output of the signature (outputs: %s)", name,
          names);
    } else {
      checkArgument(names.size() == 1, "the signature has outputs %s; choose the one the labels are for with --output",
          names);
      name = names.first();
    }
    TensorInfo info = signature.getOutputsOrThrow(name);
    checkArgument(info.getDtype() == DataType.DT_FLOAT, "output '%s' is %s; the losses train float32 outputs", name,
        info.getDtype());
    return new TrainedOutput(name, info);
  }

  /** The output's class count, its last dimension, or -1 when the signature does not know it. */
  int classes() {
    long[] dims = ExampleShape.dims(info);
    return dims == null || dims.length == 0 ? -1 : (int) dims[dims.length - 1];
  }
}
