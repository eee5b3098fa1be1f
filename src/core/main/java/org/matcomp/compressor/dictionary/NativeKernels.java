package org.matcomp.compressor.dictionary;

import java.util.Arrays;
import org.matcomp.nativelib.NativeAbi;
import org.matcomp.nativelib.NativeLoader;

/**
 * Batch-OMP, the whole dictionary-learning loop and the seeding picks compiled ahead of time, in matcomp's native
 * library ({@code native/dictionary_kernels_impl.h}, bridged by {@code native/dictionary_kernels.c}).
 *
 * <p>Why they exist beside {@link OmpKernel}, {@link DictionaryLearner} and {@link AtomSeeding}: the Java kernels are
 * as fast as these once HotSpot has compiled them, but a single call in a fresh JVM — what {@code factor} is, and what
 * a training job that compresses once is — spends most of its time waiting for the JIT on two cores (a cold 10 000-row
 * coding took about three times its warm time, a cold dictionary learning about twice). The C code is an
 * operation-for-operation transcription of the Java code, built without fused multiply-adds, so coding, seeding and
 * learning give the Java code's results bit for bit (NativeKernelsTest); the Java code remains the reference, and the
 * fallback wherever the library is not available (platforms other than linux-x86_64, builds without gcc).
 *
 * <p>The library ({@link NativeLoader}) does not load TensorFlow: a compressor used outside a TF graph starts in
 * milliseconds. Callers that time the algorithm call {@link #load()} first, as they exclude JVM start-up. Arrays are
 * copied to native memory and back around each call rather than pinned, so the garbage collector and every other
 * Java thread keep running while a learning call computes for seconds.
 */
public final class NativeKernels {
  /** {@code -Dmatcomp.native.dictionary=false} forces the Java kernels (for comparisons and tests). */
  public static final String PROPERTY = "matcomp.native.dictionary";

  private static Boolean available;
  private static String reason = "not loaded yet";

  private NativeKernels() {}

  /**
   * Loads the native kernels if this platform has them and they are not disabled; idempotent. Returns whether
   * they are in use; {@link #status()} says why not.
   */
  public static synchronized boolean load() {
    if (available == null) {
      available = tryLoad();
    }
    return available;
  }

  /** "native" or "java (why)": which kernels dictionary coding and learning run on. */
  public static synchronized String status() {
    load();
    return available ? "native" : "java (" + reason + ")";
  }

  private static boolean tryLoad() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      reason = "disabled by -D" + PROPERTY + "=false";
      return false;
    }
    try {
      NativeLoader.load();
      return true;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      // Whatever kept the library out (platform, build, an unwritable extraction directory), the Java kernels
      // compute the same results.
      reason = String.valueOf(e.getMessage());
      return false;
    }
  }

  /**
   * Codes n signals as {@link BatchOmp} does, writing its outputs.
   *
   * @throws OutOfMemoryError if the native side cannot allocate its work arrays
   * @throws IllegalArgumentException if the sizes are outside what the native coder computes on (it checks them
   *     itself, e.g. {@code 1 <= k <= atoms}), or an array is shorter than they imply
   */
  static void encode(float[] dictionary, int atoms, int dim, float[] signals, int n, int k, double tolerance,
      int[] indices, float[] values, int[] counts, double[] residuals, double[] squaredNorms) {
    encode(dictionary, atoms, dim, signals, n, k, tolerance, Workers.THREADS, indices, values, counts, residuals,
        squaredNorms);
  }

  /** {@link #encode} on {@code threads} threads (the result does not depend on it; tests check that). */
  static void encode(float[] dictionary, int atoms, int dim, float[] signals, int n, int k, double tolerance,
      int threads, int[] indices, float[] values, int[] counts, double[] residuals, double[] squaredNorms) {
    int status = nEncode(dictionary, atoms, dim, signals, n, k, tolerance, threads, indices, values, counts,
        residuals, squaredNorms);
    check(status, "Batch-OMP", "n=" + n + " atoms=" + atoms + " dim=" + dim + " k=" + k);
  }

  /** What {@link #learn} produced besides the arrays it filled. */
  record Learning(double initialObjective, double[] history, int reverted, int replaced) {}

  /**
   * {@link DictionaryLearner#learn} from seeded atoms, all iterations and the final coding in one call:
   * {@code dictionary} comes in with the seeds and leaves with the learned atoms; {@code indices}, {@code values}
   * (rounded to float), {@code counts} and {@code errors} receive the code. Null if some row has a non-finite entry
   * (then nothing is learned and the caller names the culprit).
   *
   * @throws OutOfMemoryError if the native side cannot allocate its work arrays
   * @throws IllegalArgumentException if the sizes are outside what the native learner computes on (it checks them
   *     itself, e.g. {@code iterations >= 1})
   */
  static Learning learn(float[] signals, int n, int dim, int atoms, int k, int iterations, int stride,
      float[] dictionary, int[] indices, float[] values, int[] counts, double[] errors) {
    double[] history = new double[Math.max(iterations, 0)];
    double[] initial = new double[1];
    int[] stats = new int[NativeAbi.STAT_COUNT];
    nLearn(signals, n, dim, atoms, k, iterations, stride, Workers.THREADS, dictionary, indices, values, counts,
        errors, history, initial, stats);
    int status = stats[NativeAbi.STAT_STATUS];
    if (status == NativeAbi.STATUS_NOT_FINITE) {
      return null;
    }
    check(status, "dictionary learning", "n=" + n + " dim=" + dim + " atoms=" + atoms + " k=" + k + " iterations="
        + iterations + " stride=" + stride);
    return new Learning(initial[0], Arrays.copyOf(history, stats[NativeAbi.STAT_HISTORY_LENGTH]),
        stats[NativeAbi.STAT_REVERTED], stats[NativeAbi.STAT_REPLACED]);
  }

  private static native void nLearn(float[] signals, int n, int dim, int atoms, int k, int iterations, int stride,
      int threads, float[] dictionary, int[] indices, float[] values, int[] counts, double[] errors,
      double[] history, double[] initial, int[] stats);

  /**
   * {@link AtomSeeding#seed} up to its random fill: the sampled rows' k-means++ picks into {@code chosen} (atoms ×
   * dim). {@code state[0]} comes in as the seed and leaves as the state of the SplittableRandom stream, for the
   * caller to draw the rest from. Returns how many atoms were picked.
   *
   * @throws OutOfMemoryError if the native side cannot allocate its work arrays
   * @throws IllegalArgumentException if the sizes are outside what the native seeding computes on
   */
  static int seed(float[] signals, int n, int dim, int atoms, long[] state, float[] chosen) {
    int a = nSeed(signals, n, dim, atoms, state, chosen);
    if (a < 0) {
      check(-a, "atom seeding", "n=" + n + " dim=" + dim + " atoms=" + atoms);
    }
    return a;
  }

  /** Throws the exception for a kernel's status code (native/matcomp_native.h) unless it is OK. */
  private static void check(int status, String kernel, String sizes) {
    switch (status) {
      case NativeAbi.STATUS_OK:
        return;
      case NativeAbi.STATUS_NO_MEMORY:
        throw new OutOfMemoryError("native " + kernel + " could not allocate its work arrays (" + sizes + ")");
      case NativeAbi.STATUS_BAD_ARGUMENT:
        throw new IllegalArgumentException("native " + kernel + " refused its sizes (" + sizes + ")");
      default:
        throw new IllegalStateException("native " + kernel + " returned status " + status + " (" + sizes + ")");
    }
  }

  private static native int nSeed(float[] signals, int n, int dim, int atoms, long[] state, float[] chosen);

  private static native int nEncode(float[] dictionary, int atoms, int dim, float[] signals, int n, int k,
      double tolerance, int threads, int[] indices, float[] values, int[] counts, double[] residuals,
      double[] norms);
}
