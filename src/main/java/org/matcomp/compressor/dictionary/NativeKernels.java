package org.matcomp.compressor.dictionary;

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
 * milliseconds. Callers that time the algorithm call {@link #load()} first, as they exclude JVM start-up.
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
   */
  static void encode(float[] dictionary, int atoms, int dim, float[] signals, int n, int k, double tolerance,
      int[] indices, float[] values, int[] counts, double[] residuals, double[] squaredNorms) {
    int rc = nEncode(dictionary, atoms, dim, signals, n, k, tolerance, Workers.THREADS, indices, values, counts,
        residuals, squaredNorms);
    if (rc != 0) {
      throw new OutOfMemoryError("native Batch-OMP could not allocate its work arrays (" + atoms + " atoms)");
    }
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
   */
  static Learning learn(float[] signals, int n, int dim, int atoms, int k, int iterations, int stride,
      float[] dictionary, int[] indices, float[] values, int[] counts, double[] errors) {
    double[] history = new double[iterations];
    double[] initial = new double[1];
    int[] stats = new int[4];
    nLearn(signals, n, dim, atoms, k, iterations, stride, Workers.THREADS, dictionary, indices, values, counts,
        errors, history, initial, stats);
    switch (stats[0]) {
      case 0:
        return new Learning(initial[0], java.util.Arrays.copyOf(history, stats[1]), stats[2], stats[3]);
      case 1:
        return null;
      default:
        throw new OutOfMemoryError("native dictionary learning could not allocate its work arrays (" + n + " rows, "
            + atoms + " atoms)");
    }
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
   */
  static int seed(float[] signals, int n, int dim, int atoms, long[] state, float[] chosen) {
    int a = nSeed(signals, n, dim, atoms, state, chosen);
    if (a < 0) {
      throw new OutOfMemoryError("native atom seeding could not allocate its work arrays (" + n + " rows)");
    }
    return a;
  }

  private static native int nSeed(float[] signals, int n, int dim, int atoms, long[] state, float[] chosen);

  private static native int nEncode(float[] dictionary, int atoms, int dim, float[] signals, int n, int k,
      double tolerance, int threads, int[] indices, float[] values, int[] counts, double[] residuals,
      double[] norms);
}
