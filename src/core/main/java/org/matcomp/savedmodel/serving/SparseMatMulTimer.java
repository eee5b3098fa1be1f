package org.matcomp.savedmodel.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.matcomp.linalg.FloatMatrix;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.sparse.SparseTensorDenseMatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Times x·W for one weight on this machine's TensorFlow, as the fast form would serve it: the dense MatMul against
 * SparseTensorDenseMatMul over W's nonzeros (then a transpose, the sparse operand being on the left), the same random
 * x for both, the calls interleaved so that drift touches both alike.
 */
public final class SparseMatMulTimer {
  private static final int WARMUP = 5;
  private static final int RUNS = 21;

  private SparseMatMulTimer() {}

  /** One timing per batch size, in order. */
  public static List<SparseTiming> time(FloatMatrix w, List<Integer> batchSizes) {
    int rows = w.rows();
    int cols = w.cols();
    float[] dense = w.copyData();
    int nnz = 0;
    for (float v : dense) {
      nnz += v != 0 ? 1 : 0;
    }
    long[] idx = new long[2 * nnz];
    float[] val = new float[nnz];
    for (int k = 0, at = 0; k < dense.length; k++) {
      if (dense[k] != 0) {
        idx[2 * at] = k / cols;
        idx[2 * at + 1] = k % cols;
        val[at++] = dense[k];
      }
    }
    try (Graph g = new Graph();
        TFloat32 wt = TFloat32.tensorOf(Shape.of(rows, cols), DataBuffers.of(dense, true, false));
        TInt64 it = TInt64.tensorOf(Shape.of(val.length, 2), DataBuffers.of(idx, true, false));
        TFloat32 vt = TFloat32.tensorOf(Shape.of(val.length), DataBuffers.of(val, true, false))) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, rows)));
      Operand<TFloat32> product = tf.linalg.matMul(x, tf.constantOf(wt));
      Operand<TFloat32> sparse = tf.linalg.transpose(tf.sparse.sparseTensorDenseMatMul(tf.constantOf(it),
          tf.constantOf(vt), tf.constant(new long[] {rows, cols}), x, SparseTensorDenseMatMul.adjointA(true),
          SparseTensorDenseMatMul.adjointB(true)), tf.constant(new int[] {1, 0}));
      List<SparseTiming> out = new ArrayList<>();
      try (Session s = new Session(g)) {
        for (int batch : batchSizes) {
          float[] in = new float[batch * rows];
          Random r = new Random(batch);
          for (int k = 0; k < in.length; k++) {
            in[k] = (float) r.nextGaussian();
          }
          try (TFloat32 xt = TFloat32.tensorOf(Shape.of(batch, rows), DataBuffers.of(in, true, false))) {
            for (int k = 0; k < WARMUP; k++) {
              run(s, x, xt, product);
              run(s, x, xt, sparse);
            }
            double[] d = new double[RUNS];
            double[] sp = new double[RUNS];
            for (int k = 0; k < RUNS; k++) {
              d[k] = run(s, x, xt, product);
              sp[k] = run(s, x, xt, sparse);
            }
            out.add(new SparseTiming(batch, Latency.of(batch, d).p50Ms(), Latency.of(batch, sp).p50Ms()));
          }
        }
      }
      return out;
    }
  }

  private static double run(Session s, Placeholder<TFloat32> x, TFloat32 xt, Operand<TFloat32> y) {
    long t0 = System.nanoTime();
    try (Result r = s.runner().feed(x, xt).fetch(y).run()) {
      r.size();
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
