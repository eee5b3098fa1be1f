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
    return NpyFeeds.classIndices(Npy.read(file), "--labels " + file, 0);
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
        p = file.resolve(NpyFeeds.fileName(e.getKey()));
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
      TensorValue t = NpyFeeds.toTensorValue(a, shape, e.getValue().getDtype(), e.getKey(), "--inputs " + p);
      feeds.put(e.getKey(), t);
    }
    return new Batch(feeds, null);
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
