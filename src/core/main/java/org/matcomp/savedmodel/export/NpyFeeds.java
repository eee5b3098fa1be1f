package org.matcomp.savedmodel.export;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.matcomp.io.NpyArray;
import org.matcomp.io.NpyDtype;
import org.tensorflow.proto.DataType;

/**
 * How the user's .npy arrays become values a signature runs on, for every command that reads examples (compress's
 * {@code --inputs} and {@code --labels}, finetune's {@code --train} and {@code --eval}): which array dtypes each input
 * dtype takes, how they convert, and the checks that refuse data a model run would silently mangle.
 *
 * <p>Conversions are those that keep every value: integers widen, and float64 rounds to float32 (NumPy's default float
 * is float64, so refusing it would refuse most users' first file; rounding is what Keras' fit does with it). Integers
 * are not taken for float inputs: unscaled uint8 pixels fed where [0, 1] floats are expected are a classic mistake.
 *
 * <p>Every refusal is an IllegalArgumentException on one line, starting with {@code what}, the caller's name for the
 * array (e.g. "--inputs in/x.npy").
 */
public final class NpyFeeds {
  private NpyFeeds() {}

  /** The file, in a directory of arrays, holding signature input {@code input}: {@link #arrayName} + ".npy". */
  public static String fileName(String input) {
    return arrayName(input) + ".npy";
  }

  /** The name of the array holding signature input {@code input}: the input's name, '/' read as '_' (a file name). */
  public static String arrayName(String input) {
    return input.replace('/', '_');
  }

  /** {@code a} as the value of input {@code input} of dtype {@code dtype}, shaped {@code shape}. */
  public static TensorValue toTensorValue(NpyArray a, long[] shape, DataType dtype, String input, String what) {
    return switch (dtype) {
      case DT_FLOAT -> {
        checkArgument(a.dtype() == NpyDtype.FLOAT32 || a.dtype() == NpyDtype.FLOAT64, "%s holds %s values; input '%s'"
            + " takes float32 (give float32 or float64)", what, a.dtype().name().toLowerCase(), input);
        yield TensorValue.ofFloats(shape, finiteFloat32(a, what));
      }
      case DT_INT32 -> TensorValue.ofInts(shape, integers(a, what, input, "int32", NpyDtype.INT32, NpyDtype.INT16,
          NpyDtype.UINT8, NpyDtype.BOOL).intData());
      case DT_INT64 -> {
        long[] v = integers(a, what, input, "int64", NpyDtype.INT64, NpyDtype.INT32, NpyDtype.INT16, NpyDtype.UINT8,
            NpyDtype.BOOL).longData();
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        yield new TensorValue(DataType.DT_INT64, shape, b.array());
      }
      case DT_BOOL -> {
        checkArgument(a.dtype() == NpyDtype.BOOL, "%s holds %s values; input '%s' takes bool", what,
            a.dtype().name().toLowerCase(), input);
        yield new TensorValue(DataType.DT_BOOL, shape, a.byteData());
      }
      default -> throw new IllegalArgumentException(what + ": input '" + input + "' has dtype " + dtype
          + ", which .npy feeding does not support");
    };
  }

  /**
   * The entries of a float32 or float64 array as float32, float64 rounded to nearest, each checked finite: a NaN
   * compared makes every difference NaN, which reads as "no difference", and one trained on makes every weight NaN.
   */
  public static float[] finiteFloat32(NpyArray a, String what) {
    float[] v;
    if (a.dtype() == NpyDtype.FLOAT64) {
      double[] d = a.doubleData();
      v = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        v[i] = (float) d[i];
        // Said here, while the float64 value is known: the finiteness check below would only see an infinity.
        checkArgument(!Float.isInfinite(v[i]) || !Double.isFinite(d[i]), "%s: entry %s at %s overflows float32"
            + " (largest %s)", what, d[i], index(a.shape(), i), Float.MAX_VALUE);
      }
    } else {
      v = a.floatData();
    }
    for (int i = 0; i < v.length; i++) {
      checkArgument(Float.isFinite(v[i]), "%s has a non-finite entry %s at %s", what, v[i], index(a.shape(), i));
    }
    return v;
  }

  /**
   * The class indices in {@code a}: one integer (int64, int32, int16 or uint8) per example, a 1-D array, each at
   * least 0 and, when {@code classes} is positive, less than it. Float labels would be truncated, and a [n, 1] or
   * one-hot array holds no single index per example.
   */
  public static int[] classIndices(NpyArray a, String what, int classes) {
    checkArgument(a.dtype() == NpyDtype.INT64 || a.dtype() == NpyDtype.INT32 || a.dtype() == NpyDtype.INT16
        || a.dtype() == NpyDtype.UINT8, "%s holds %s values; labels are class indices (give integers: int64, int32,"
        + " int16 or uint8)", what, a.dtype().name().toLowerCase());
    checkArgument(a.rank() == 1, "%s has shape %s; give one class index per example, a 1-D array", what,
        Arrays.toString(a.shape()));
    checkArgument(a.size() > 0, "%s holds no labels", what);
    long[] v = a.longData();
    int[] labels = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      boolean known = classes > 0;
      checkArgument(v[i] >= 0 && v[i] < (known ? classes : Integer.MAX_VALUE + 1L), "%s: label %s at [%s] is not a"
          + " class index (%s)", what, v[i], i, known ? "0 to " + (classes - 1) + ": the output has " + classes
          + " classes" : "0 or more");
      labels[i] = (int) v[i];
    }
    return labels;
  }

  /** The multi-index of flat row-major entry {@code flat}, e.g. [3, 0, 27]. */
  public static String index(long[] shape, int flat) {
    long[] idx = new long[shape.length];
    long rest = flat;
    for (int k = shape.length - 1; k >= 0; k--) {
      idx[k] = shape[k] == 0 ? 0 : rest % shape[k];
      rest = shape[k] == 0 ? rest : rest / shape[k];
    }
    return Arrays.toString(idx);
  }

  /** {@code a} if its dtype is one of {@code accepted} (integers that widen exactly), else a one-line refusal. */
  private static NpyArray integers(NpyArray a, String what, String input, String want, NpyDtype... accepted) {
    for (NpyDtype d : accepted) {
      if (a.dtype() == d) {
        return a;
      }
    }
    throw new IllegalArgumentException(String.format("%s holds %s values; input '%s' takes %s (give integers of at"
        + " most that width)", what, a.dtype().name().toLowerCase(), input, want));
  }
}
