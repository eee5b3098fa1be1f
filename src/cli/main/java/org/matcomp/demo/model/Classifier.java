package org.matcomp.demo.model;

import java.util.List;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.CompressionReport;
import org.matcomp.operator.Phase;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** A classifier built in a TF Java graph whose weight matrices may be compressed: what {@code train} needs of it. */
public interface Classifier {
  /** Logits for x [batch, features], each compressed matrix read as {@code phase} reads it. */
  Operand<TFloat32> logits(Ops tf, Operand<TFloat32> x, Phase phase);

  /**
   * The logits in another graph ({@code target}) for serving: each layer from its current values in {@code trained},
   * compressed layers in their compressed form only ({@link CompressedWeight#exportMatmul}).
   */
  Operand<TFloat32> exportLogits(Ops target, Session trained, Operand<TFloat32> x);

  List<CompressedWeight> compressedMatrices();

  /** Variables that train in every phase: biases, convolution filters and the kernels left dense. */
  List<Variable<TFloat32>> uncompressedVariables();

  /**
   * Every kernel, compressed or not, at the size the graph in {@code session} reads (and {@link #exportLogits}
   * writes); biases are left out as the reference does.
   */
  CompressionReport report(Session session);

  /** Parameters of the biases (reported beside the kernels). */
  long biasParams();
}
