package org.matcomp.demo.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.CompressionReport;
import org.matcomp.operator.Phase;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A feed-forward n-gram language model (Bengio et al. 2003): the embeddings of the previous {@code context} words,
 * concatenated, through a tanh hidden layer to a softmax over the vocabulary. Its embedding table
 * ({@code embedding}, vocabulary × dim) is the matrix to compress: tall, thin and used only through lookups.
 */
public final class NgramLanguageModel {
  private final int context;
  private final int dim;
  private final Variable<TFloat32> embedding;
  private final Optional<CompressedWeight> compressedEmbedding;
  private final Variable<TFloat32> hidden;
  private final Variable<TFloat32> hiddenBias;
  private final Variable<TFloat32> output;
  private final Variable<TFloat32> outputBias;

  private NgramLanguageModel(int context, int dim, Variable<TFloat32> embedding,
      Optional<CompressedWeight> compressedEmbedding, Variable<TFloat32> hidden, Variable<TFloat32> hiddenBias,
      Variable<TFloat32> output, Variable<TFloat32> outputBias) {
    this.context = context;
    this.dim = dim;
    this.embedding = embedding;
    this.compressedEmbedding = compressedEmbedding;
    this.hidden = hidden;
    this.hiddenBias = hiddenBias;
    this.output = output;
    this.outputBias = outputBias;
  }

  /** {@code compress} sees the layer name "embedding" and may return its compressed form. */
  public static NgramLanguageModel build(Ops tf, int vocabulary, int context, int dim, int hiddenSize, long seed,
      BiFunction<String, Variable<TFloat32>, Optional<CompressedWeight>> compress) {
    Random rnd = new Random(seed);
    Variable<TFloat32> emb = tf.withName("embedding").variable(tf.constant(Shape.of(vocabulary, dim),
        DataBuffers.of(uniform(rnd, vocabulary * dim, 0.1f))));
    Variable<TFloat32> h = tf.withName("hidden_kernel").variable(tf.constant(Shape.of(context * dim, hiddenSize),
        DataBuffers.of(uniform(rnd, context * dim * hiddenSize, (float) Math.sqrt(6.0 / (context * dim + hiddenSize))))));
    Variable<TFloat32> hb = tf.withName("hidden_bias").variable(tf.zeros(tf.constant(new long[] {hiddenSize}),
        TFloat32.class));
    Variable<TFloat32> out = tf.withName("output_kernel").variable(tf.constant(Shape.of(hiddenSize, vocabulary),
        DataBuffers.of(uniform(rnd, hiddenSize * vocabulary, (float) Math.sqrt(6.0 / (hiddenSize + vocabulary))))));
    Variable<TFloat32> ob = tf.withName("output_bias").variable(tf.zeros(tf.constant(new long[] {vocabulary}),
        TFloat32.class));
    return new NgramLanguageModel(context, dim, emb, compress.apply("embedding", emb), h, hb, out, ob);
  }

  private static float[] uniform(Random rnd, int n, float limit) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (rnd.nextFloat() * 2 - 1) * limit;
    }
    return v;
  }

  /** Next-word logits for contexts [batch, context] of word ids, the embedding read as {@code phase} reads it. */
  public Operand<TFloat32> logits(Ops tf, Operand<TInt32> contexts, Phase phase) {
    Operand<TInt32> flat = tf.reshape(contexts, tf.constant(new int[] {-1}));
    Operand<TFloat32> rows = compressedEmbedding.isPresent()
        ? compressedEmbedding.get().lookup(tf, flat, phase)
        : tf.gather(embedding, flat, tf.constant(0));
    Operand<TFloat32> x = tf.reshape(rows, tf.constant(new int[] {-1, context * dim}));
    Operand<TFloat32> h = tf.math.tanh(tf.nn.biasAdd(tf.linalg.matMul(x, hidden), hiddenBias));
    return tf.nn.biasAdd(tf.linalg.matMul(h, output), outputBias);
  }

  public List<CompressedWeight> compressedMatrices() {
    return compressedEmbedding.stream().toList();
  }

  public List<Variable<TFloat32>> uncompressedVariables() {
    List<Variable<TFloat32>> vars = new ArrayList<>(List.of(hidden, hiddenBias, output, outputBias));
    if (compressedEmbedding.isEmpty()) {
      vars.add(0, embedding);
    }
    return vars;
  }

  /**
   * The embedding table's accounting (the matrix this model is about) at the size the graph in {@code session}
   * reads; the other layers are listed dense.
   */
  public CompressionReport report(org.tensorflow.Session session) {
    List<CompressionReport.Entry> entries = new ArrayList<>();
    entries.add(compressedEmbedding.map(m -> CompressionReport.served(m, session)).orElseGet(() -> CompressionReport.dense("embedding",
        (int) embedding.shape().get(0), (int) embedding.shape().get(1))));
    entries.add(CompressionReport.dense("hidden_kernel", (int) hidden.shape().get(0), (int) hidden.shape().get(1)));
    entries.add(CompressionReport.dense("output_kernel", (int) output.shape().get(0), (int) output.shape().get(1)));
    return new CompressionReport(entries);
  }
}
