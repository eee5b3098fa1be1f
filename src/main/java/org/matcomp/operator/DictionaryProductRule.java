package org.matcomp.operator;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TIntegral;
import org.tensorflow.types.family.TType;

/**
 * Dictionary learning (option 3): row i of W is Σ_j values[i, j]·D[indices[i, j], :], k atoms a row. A lookup gathers
 * only the rows' codes and their atoms, then a small weighted sum: the table is never densified at read time. The
 * values and the dictionary train through the gathers; the indices are fixed (uint8 for up to 256 atoms).
 */
final class DictionaryProductRule implements GraphProductRule {
  static final String INDICES = "code_indices";
  static final String VALUES = "code_values";
  static final String DICTIONARY = "dictionary";

  @Override
  public Operand<TFloat32> product(Ops tf, FactorVariables f, int rows, int cols) {
    return combine(tf, f, int32(tf, f.readAny(tf, INDICES)), f.read(tf, VALUES), cols);
  }

  @Override
  public Operand<TFloat32> applyTo(Ops tf, Operand<TFloat32> x, FactorVariables f, int rows, int cols) {
    return tf.linalg.matMul(x, product(tf, f, rows, cols));
  }

  @Override
  public Operand<TFloat32> lookup(Ops tf, Operand<? extends TIntegral> ids, FactorVariables f, int rows, int cols) {
    Operand<TInt32> indices = int32(tf, tf.gather(f.readAny(tf, INDICES), ids, tf.constant(0)));
    Operand<TFloat32> values = tf.gather(f.read(tf, VALUES), ids, tf.constant(0));
    return combine(tf, f, indices, values, cols);
  }

  /** Indices are stored as uint8 for up to 256 atoms; gathers take int32. */
  private static Operand<TInt32> int32(Ops tf, Operand<? extends TType> indices) {
    return tf.dtypes.cast(indices, TInt32.class);
  }

  /** [n, k] codes → [n, cols]: gather the atoms, weight them, sum over k. */
  private static Operand<TFloat32> combine(Ops tf, FactorVariables f, Operand<TInt32> indices,
      Operand<TFloat32> values, int cols) {
    int k = f.spec(VALUES).shape()[1];
    Operand<TFloat32> atoms = tf.gather(f.read(tf, DICTIONARY), indices, tf.constant(0)); // [n, k, cols]
    Operand<TFloat32> weights = tf.reshape(values, tf.constant(new int[] {-1, k, 1}));
    return tf.sum(tf.math.mul(atoms, weights), tf.constant(1));
  }
}
