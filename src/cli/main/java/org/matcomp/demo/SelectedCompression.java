package org.matcomp.demo;

import java.util.Optional;
import java.util.regex.Pattern;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.MatrixCompression;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.LayerPattern;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The compression a training job gives one layer's matrix: the run's spec, if {@code --layers} selects the layer and
 * the setting stores the matrix in fewer bytes than dense (a matrix it would not shrink stays dense: {@code train}
 * said so in one line, or refused the run when {@code --layers} named it).
 */
final class SelectedCompression {
  private SelectedCompression() {}

  static Optional<CompressedWeight> of(Ops tf, Optional<CompressionSpec> spec, Pattern layers, String layer,
      Variable<TFloat32> matrix) {
    if (spec.isEmpty() || !LayerPattern.selects(layers, layer)) {
      return Optional.empty();
    }
    if (spec.get().compressor().size(matrix.op().name(), (int) matrix.shape().get(0),
        (int) matrix.shape().get(1)).savesNothing()) {
      return Optional.empty();
    }
    return Optional.of(MatrixCompression.compress(tf, matrix, spec.get()));
  }
}
