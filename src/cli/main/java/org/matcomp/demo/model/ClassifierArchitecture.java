package org.matcomp.demo.model;

import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.matcomp.operator.CompressedWeight;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A classifier's shape before its variables exist: the layers whose kernels are matrices (what {@code --layers}
 * selects and the size checks read), their bytes (what a cluster places), and how to build it.
 */
public interface ClassifierArchitecture {
  /** The model's name on the command line ({@code mlp}, {@code cnn}). */
  String name();

  /** Each layer with a matrix kernel, in order: name → {rows, cols}. */
  Map<String, int[]> matrixKernels();

  /** Each layer's variables in bytes (kernel and bias), for placing them on parameter servers. */
  Map<String, Long> layerBytes();

  /**
   * Builds the variables, each layer's with {@code placed.apply(layer)}; {@code compress} decides per matrix kernel
   * (by layer name and kernel) whether and how to compress it. Weights are drawn from {@code seed}.
   */
  Classifier build(Function<String, Ops> placed, long seed,
      BiFunction<String, Variable<TFloat32>, Optional<CompressedWeight>> compress);
}
