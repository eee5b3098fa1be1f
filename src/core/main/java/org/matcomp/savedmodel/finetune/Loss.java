package org.matcomp.savedmodel.finetune;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.matcomp.io.NpyArray;
import org.matcomp.savedmodel.export.TensorValue;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What finetune minimises ({@code --loss}), and everything that follows from it: which labels it takes and how they
 * are checked, the loss and the metric as TensorFlow ops. Each loss is one small class; {@link Kind} lists them once,
 * and the CLI's choices and the parser's error message are derived from that list.
 */
public sealed interface Loss permits SparseCategoricalCrossEntropy, CategoricalCrossEntropy, MeanSquaredError {
  /** The losses by their {@code --loss} names. */
  enum Kind {
    SPARSE_CATEGORICAL("sparse-categorical", SparseCategoricalCrossEntropy::new),
    CATEGORICAL("categorical", CategoricalCrossEntropy::new),
    /** Regression: the output is the prediction itself, so the output form does not apply. */
    MSE("mse", form -> new MeanSquaredError());

    private final String cliName;
    private final Function<OutputForm, Loss> make;

    Kind(String cliName, Function<OutputForm, Loss> make) {
      this.cliName = cliName;
      this.make = make;
    }

    public String cliName() {
      return cliName;
    }

    /** This loss reading the model's output as {@code form}. */
    public Loss reading(OutputForm form) {
      return make.apply(form);
    }

    /** The kind named {@code name} on the command line; anything else is refused in one line listing the names. */
    public static Kind parse(String name) {
      for (Kind k : values()) {
        if (k.cliName.equals(name)) {
          return k;
        }
      }
      throw new IllegalArgumentException("--loss '" + name + "' is not a loss; valid: " + names());
    }

    /** The valid {@code --loss} values, comma-separated. */
    public static String names() {
      return Arrays.stream(values()).map(Kind::cliName).collect(Collectors.joining(", "));
    }
  }

  /** {@code Kind.parse(name).reading(form)}. */
  static Loss parse(String name, OutputForm form) {
    return Kind.parse(name).reading(form);
  }

  Kind kind();

  /**
   * The labels array {@code what} as the tensor the loss takes, refused in one line unless it fits {@code output}.
   * Its dtype (int32 class indices, or float32) is the one the {@code labels} operand of {@link #build} and
   * {@link #metric} must have.
   */
  TensorValue labels(NpyArray array, TrainedOutput output, String what);

  /** The loss averaged over the batch: the scalar to minimise. */
  Operand<TFloat32> build(Ops tf, Operand<TFloat32> output, Operand<?> labels);

  /** What is reported as the model improves, averaged over the batch: {@link #metricName()}. */
  Operand<TFloat32> metric(Ops tf, Operand<TFloat32> output, Operand<?> labels);

  /** "accuracy", "mse". */
  String metricName();
}
