package org.matcomp.savedmodel.export;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.io.NpyDtype;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.matcomp.savedmodel.trace.VariableInfo;

/**
 * Inputs to run a signature on, before and after compression: random values of the signature's dtypes and shapes
 * (floats uniform in [0, 1), integers in [0, 8), booleans fair), or arrays from .npy files, optionally with a label
 * (class index) per example from another .npy.
 */
public final class SampleInputs {
  /** Feeds by signature input name, and labels when the examples have them (else null). */
  public record Batch(Map<String, TensorValue> feeds, int[] labels) {}

  private SampleInputs() {}

  /** Random feeds, or empty if the signature has an input of a dtype this cannot make (e.g. strings). */
  public static Optional<Batch> random(SignatureDef sig, int batch, long seed) {
    Random rnd = new Random(seed);
    Map<String, TensorValue> feeds = new LinkedHashMap<>();
    for (Map.Entry<String, TensorInfo> e : new java.util.TreeMap<>(sig.getInputsMap()).entrySet()) {
      long[] shape = concreteShape(e.getValue(), batch);
      int n = Math.toIntExact(product(shape));
      DataType t = e.getValue().getDtype();
      switch (t) {
        case DT_FLOAT -> {
          float[] v = new float[n];
          for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat();
          }
          feeds.put(e.getKey(), TensorValue.ofFloats(shape, v));
        }
        case DT_INT32 -> {
          int[] v = new int[n];
          for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(8);
          }
          feeds.put(e.getKey(), TensorValue.ofInts(shape, v));
        }
        case DT_INT64 -> {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < n; i++) {
            b.putLong(rnd.nextInt(8));
          }
          feeds.put(e.getKey(), new TensorValue(DataType.DT_INT64, shape, b.array()));
        }
        case DT_BOOL -> {
          // e.g. the flag of a tf.cond: either branch is as likely
          byte[] v = new byte[n];
          for (int i = 0; i < n; i++) {
            v[i] = (byte) (rnd.nextBoolean() ? 1 : 0);
          }
          feeds.put(e.getKey(), new TensorValue(DataType.DT_BOOL, shape, v));
        }
        default -> {
          return Optional.empty();
        }
      }
    }
    return Optional.of(new Batch(feeds, null));
  }

  /**
   * The class labels in {@code file}: a 1-D .npy of integers (int64, int32, int16 or uint8), each a class index,
   * so at least 0. Anything else is refused in one line naming the file: float labels would be truncated, and a
   * [n, 1] or one-hot array holds no single index per example.
   */
  public static int[] labels(Path file) throws IOException {
    NpyArray a = Npy.read(file);
    checkArgument(a.dtype() == NpyDtype.INT64 || a.dtype() == NpyDtype.INT32 || a.dtype() == NpyDtype.INT16
        || a.dtype() == NpyDtype.UINT8, "--labels %s holds %s values; labels are class indices (give integers: int64,"
        + " int32, int16 or uint8)", file, a.dtype().name().toLowerCase());
    checkArgument(a.rank() == 1, "--labels %s has shape %s; give one class index per example, a 1-D array", file,
        java.util.Arrays.toString(a.shape()));
    checkArgument(a.size() > 0, "--labels %s holds no labels", file);
    long[] v = a.longData();
    int[] labels = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      checkArgument(v[i] >= 0 && v[i] <= Integer.MAX_VALUE, "--labels %s: label %s at [%s] is not a class index"
          + " (0 or more)", file, v[i], i);
      labels[i] = (int) v[i];
    }
    return labels;
  }

  /**
   * {@code batch} with {@code labels} (read from {@code file}), one per example: every input's first dimension must
   * count as many examples as there are labels.
   */
  public static Batch withLabels(Batch batch, int[] labels, Path file, String signature) {
    for (Map.Entry<String, TensorValue> e : batch.feeds().entrySet()) {
      long[] shape = e.getValue().shape();
      if (shape.length > 0) {
        checkArgument(shape[0] == labels.length, "--labels %s holds %s labels but --inputs holds %s examples for"
            + " input '%s' of signature %s; give one label per example", file, labels.length, shape[0], e.getKey(),
            signature);
      }
    }
    return new Batch(batch.feeds(), labels.clone());
  }

  /**
   * Feeds from .npy: {@code file} is one array for a single-input signature, or a directory holding
   * {@code <input name>.npy} per input.
   */
  public static Batch fromFiles(SignatureDef sig, Path file) throws IOException {
    Map<String, TensorValue> feeds = new LinkedHashMap<>();
    for (Map.Entry<String, TensorInfo> e : sig.getInputsMap().entrySet()) {
      Path p;
      if (Files.isDirectory(file)) {
        p = file.resolve(e.getKey().replace('/', '_') + ".npy");
      } else {
        checkArgument(sig.getInputsCount() == 1, "--inputs %s is one array but the signature has inputs %s; give a"
            + " directory of <input>.npy files", file, sig.getInputsMap().keySet());
        p = file;
      }
      checkArgument(Files.isRegularFile(p), "--inputs: no file %s for signature input '%s'", p, e.getKey());
      NpyArray a = Npy.read(p);
      long[] shape = a.shape();
      // An empty batch would compare nothing and report a perfect match.
      checkArgument(a.size() > 0 && (shape.length == 0 || shape[0] > 0), "--inputs %s holds no examples (shape %s)",
          p, java.util.Arrays.toString(shape));
      long[] want = VariableInfo.dims(e.getValue().getTensorShape());
      if (want != null && want.length != shape.length && a.size() > 0) {
        long perExample = 1;
        for (int i = 1; i < want.length; i++) {
          perExample *= want[i];
        }
        checkArgument(perExample > 0 && a.size() % perExample == 0, "%s holds %s values, not a multiple of %s per"
            + " example for input '%s'", p, a.size(), perExample, e.getKey());
        shape = want.clone();
        shape[0] = a.size() / perExample;
      }
      TensorValue t = switch (e.getValue().getDtype()) {
        case DT_FLOAT -> TensorValue.ofFloats(shape, floats(p, a, e.getKey()));
        case DT_INT32 -> TensorValue.ofInts(shape, integers(p, a, e.getKey(), "int32", NpyDtype.INT32,
            NpyDtype.INT16, NpyDtype.UINT8, NpyDtype.BOOL).intData());
        case DT_INT64 -> {
          long[] v = integers(p, a, e.getKey(), "int64", NpyDtype.INT64, NpyDtype.INT32, NpyDtype.INT16,
              NpyDtype.UINT8, NpyDtype.BOOL).longData();
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
          b.asLongBuffer().put(v);
          yield new TensorValue(DataType.DT_INT64, shape, b.array());
        }
        case DT_BOOL -> {
          checkArgument(a.dtype() == NpyDtype.BOOL, "--inputs %s holds %s values; input '%s' takes bool", p,
              a.dtype().name().toLowerCase(), e.getKey());
          yield new TensorValue(DataType.DT_BOOL, shape, a.byteData());
        }
        default -> throw new IllegalArgumentException("--inputs: input '" + e.getKey() + "' has dtype "
            + e.getValue().getDtype() + ", which .npy feeding does not support");
      };
      feeds.put(e.getKey(), t);
    }
    return new Batch(feeds, null);
  }

  /**
   * The values for a float32 input: float32 as they are, float64 rounded (as {@code factor} reads matrices), each
   * checked finite — a NaN fed to both models makes every difference NaN, which would read as "no difference".
   */
  private static float[] floats(Path p, NpyArray a, String input) {
    float[] v;
    if (a.dtype() == NpyDtype.FLOAT32) {
      v = a.floatData();
    } else if (a.dtype() == NpyDtype.FLOAT64) {
      double[] d = a.doubleData();
      v = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        v[i] = (float) d[i];
        checkArgument(!Float.isInfinite(v[i]) || !Double.isFinite(d[i]), "--inputs %s: entry %s at %s overflows"
            + " float32 (largest %s)", p, d[i], index(a.shape(), i), Float.MAX_VALUE);
      }
    } else {
      throw new IllegalArgumentException(String.format("--inputs %s holds %s values; input '%s' takes float32 (give"
          + " float32 or float64)", p, a.dtype().name().toLowerCase(), input));
    }
    for (int i = 0; i < v.length; i++) {
      checkArgument(Float.isFinite(v[i]), "--inputs %s has a non-finite entry %s at %s", p, v[i],
          index(a.shape(), i));
    }
    return v;
  }

  /** {@code a} if its dtype is one of {@code accepted} (integers that widen exactly), else a one-line refusal. */
  private static NpyArray integers(Path p, NpyArray a, String input, String want, NpyDtype... accepted) {
    for (NpyDtype d : accepted) {
      if (a.dtype() == d) {
        return a;
      }
    }
    throw new IllegalArgumentException(String.format("--inputs %s holds %s values; input '%s' takes %s (give"
        + " integers of at most that width)", p, a.dtype().name().toLowerCase(), input, want));
  }

  /** The multi-index of flat row-major entry {@code flat}, e.g. [3, 0, 27]. */
  private static String index(long[] shape, int flat) {
    long[] idx = new long[shape.length];
    long rest = flat;
    for (int k = shape.length - 1; k >= 0; k--) {
      idx[k] = shape[k] == 0 ? 0 : rest % shape[k];
      rest = shape[k] == 0 ? rest : rest / shape[k];
    }
    return java.util.Arrays.toString(idx);
  }

  private static long[] concreteShape(TensorInfo t, int batch) {
    long[] dims = VariableInfo.dims(t.getTensorShape());
    if (dims == null) {
      return new long[] {batch};
    }
    long[] s = dims.clone();
    for (int i = 0; i < s.length; i++) {
      if (s[i] < 0) {
        s[i] = batch;
      }
    }
    return s;
  }

  private static long product(long[] s) {
    long p = 1;
    for (long d : s) {
      p *= d;
    }
    return p;
  }
}
