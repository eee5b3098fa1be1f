package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * A tensor expression over one matrix's stored factors, in the small op vocabulary that both graph interpreters
 * speak — TF Java ops for training graphs ({@code operator}) and NodeDefs for SavedModel rewrites
 * ({@code savedmodel}). A method writes its product rule B⊗C once in these terms; the interpreters decide how each
 * op becomes TensorFlow ops, and how a stored factor is read (bits unpacked, byte codes widened).
 *
 * <p>Values are float32 or int32 ({@link #type()}); every op keeps its first operand's type unless it says
 * otherwise. Integer tensors are never trained: they are codes, masks and positions.
 */
public sealed interface Expr {
  /** The element type of the value. */
  ValueType type();

  /** float32 or int32: what the interpreters emit. */
  enum ValueType { FLOAT, INT32 }

  /** Stored factor {@code role}, read as {@code type} (integer storage of any width is read as int32). */
  record Factor(String role, ValueType type) implements Expr {}

  /** The consumer's other operand: x of a product, the ids of a lookup. */
  record Input(String name, ValueType type) implements Expr {}

  /** A float constant of {@code shape} (row-major). */
  record FloatConst(float[] values, int[] shape) implements Expr {
    public FloatConst {
      checkArgument(Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b) == values.length,
          "%s values for shape %s", values.length, Arrays.toString(shape));
      values = values.clone();
      shape = shape.clone();
    }

    @Override
    public ValueType type() {
      return ValueType.FLOAT;
    }
  }

  /** A 1-D int32 constant: a lookup table (e.g. what a gap code advances by), or one offset. */
  record IntConst(int[] values) implements Expr {
    public IntConst {
      values = values.clone();
    }

    @Override
    public ValueType type() {
      return ValueType.INT32;
    }
  }

  /** op(a)·op(b), op a transpose when asked: rank-2 operands. */
  record MatMul(Expr a, Expr b, boolean transposeA, boolean transposeB) implements Expr {
    @Override
    public ValueType type() {
      return ValueType.FLOAT;
    }
  }

  /** A two-operand einsum. */
  record Einsum(String equation, Expr a, Expr b) implements Expr {
    @Override
    public ValueType type() {
      return ValueType.FLOAT;
    }
  }

  /** Rows {@code indices} of {@code params} (gather along axis 0). */
  record Gather(Expr params, Expr indices) implements Expr {
    public Gather {
      checkArgument(indices.type() == ValueType.INT32, "gather indices must be integers");
    }

    @Override
    public ValueType type() {
      return params.type();
    }
  }

  /** {@code x} in {@code shape}; one entry may be -1. */
  record Reshape(Expr x, int[] shape) implements Expr {
    public Reshape {
      shape = shape.clone();
    }

    @Override
    public ValueType type() {
      return x.type();
    }
  }

  /** {@code x} with its axes permuted. */
  record Transpose(Expr x, int[] perm) implements Expr {
    public Transpose {
      perm = perm.clone();
    }

    @Override
    public ValueType type() {
      return x.type();
    }
  }

  /** Element-wise product, broadcasting; both operands of one type. */
  record Mul(Expr a, Expr b) implements Expr {
    public Mul {
      checkArgument(a.type() == b.type(), "mul of %s and %s", a.type(), b.type());
    }

    @Override
    public ValueType type() {
      return a.type();
    }
  }

  /** Element-wise sum, broadcasting; both operands of one type. */
  record Add(Expr a, Expr b) implements Expr {
    public Add {
      checkArgument(a.type() == b.type(), "add of %s and %s", a.type(), b.type());
    }

    @Override
    public ValueType type() {
      return a.type();
    }
  }

  /** Sum over {@code axis} (negative counts from the end), the axis removed. */
  record Sum(Expr x, int axis) implements Expr {
    @Override
    public ValueType type() {
      return x.type();
    }
  }

  /** An integer tensor as float32. */
  record ToFloat(Expr x) implements Expr {
    @Override
    public ValueType type() {
      return ValueType.FLOAT;
    }
  }

  /** Inclusive running sum of a 1-D integer tensor. */
  record Cumsum(Expr x) implements Expr {
    @Override
    public ValueType type() {
      return x.type();
    }
  }

  /** 1-D {@code a} followed by 1-D {@code b}. */
  record Concat(Expr a, Expr b) implements Expr {
    @Override
    public ValueType type() {
      return a.type();
    }
  }

  /** A 1-D tensor of {@code size} zeros with {@code updates[i]} at position {@code positions[i]}. */
  record Scatter(Expr positions, Expr updates, int size) implements Expr {
    @Override
    public ValueType type() {
      return updates.type();
    }
  }

  /**
   * A {@code shape} tensor of standard normal floats drawn by TensorFlow's {@code StatelessRandomNormal} from
   * {@code seed} (two int32): the same values in every TF runtime, so a random factor is stored as its seed and
   * regenerated wherever it is read ({@link SeededGaussian}).
   */
  record RandomNormal(Expr seed, int[] shape) implements Expr {
    public RandomNormal {
      checkArgument(seed.type() == ValueType.INT32, "a random normal's seed must be int32, not %s", seed.type());
      shape = shape.clone();
    }

    @Override
    public ValueType type() {
      return ValueType.FLOAT;
    }
  }

  // Constructors that read like the math.

  static Expr matMul(Expr a, Expr b) {
    return new MatMul(a, b, false, false);
  }

  static Expr reshape(Expr x, int... shape) {
    return new Reshape(x, shape);
  }

  static Expr gather(Expr params, Expr indices) {
    return new Gather(params, indices);
  }

  static Expr floats(String role) {
    return new Factor(role, ValueType.FLOAT);
  }

  static Expr ints(String role) {
    return new Factor(role, ValueType.INT32);
  }

  static Expr scalar(float v) {
    return new FloatConst(new float[] {v}, new int[0]);
  }
}
