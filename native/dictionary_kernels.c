/*
 * JNI bridge of Batch-OMP and dictionary learning, the native methods of
 * org.matcomp.compressor.dictionary.NativeKernels; the compute code is dictionary_kernels_impl.h.
 *
 * Why native: the Java kernels (OmpKernel, DictionaryLearner) reach their speed only once HotSpot has compiled
 * them, and in a single cold call on two cores the compile queue, not the arithmetic, set the pace (a cold
 * 10 000-row coding took 3x its warm time). The compute code (dictionary_kernels_impl.h) is the same algorithm,
 * operation for operation, so that it has no warm-up at all. It is a transcription, not a second design:
 *
 *  - Every floating-point expression is evaluated in the order the Java code evaluates it, and the build passes
 *    -ffp-contract=off (no fused multiply-adds; x86-64 floats are IEEE single/double in SSE registers, like
 *    Java's strict arithmetic). Coding, seeding and learning therefore give the Java code's results bit for bit,
 *    which NativeKernelsTest checks; the Java code stays the documented reference and the fallback.
 *  - Vector code only where lanes are independent (axpy4, the correlations' running sums, argmax's lanes), so each
 *    lane computes exactly the scalar value; reductions keep Java's four partial sums.
 *
 * The caller (Java) validates shapes, k <= atoms and finiteness before calling; arrays are pinned with
 * GetPrimitiveArrayCritical for the duration of a call (no copies; a call holds no JNI locks across threads
 * other than those pins, and makes no JNI calls while they are held).
 */
#include <jni.h>

#include "dictionary_kernels.h"

/* AVX2 when the CPU has it (checked once by the compiler's CPU model, cached by libgcc). */
static int has_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

#define MAX_PINS 12

typedef struct {
  JNIEnv* env;
  jarray arrays[MAX_PINS];
  void* pointers[MAX_PINS];
  int count;
  int failed;
} Pins;

static void* pin(Pins* pins, jarray array) {
  if (array == NULL || pins->failed) return NULL;
  void* ptr = (*pins->env)->GetPrimitiveArrayCritical(pins->env, array, NULL);
  if (ptr == NULL) {
    pins->failed = 1;
    return NULL;
  }
  pins->arrays[pins->count] = array;
  pins->pointers[pins->count] = ptr;
  pins->count++;
  return ptr;
}

static void unpin_all(Pins* pins) {
  for (int i = pins->count - 1; i >= 0; i--) {
    (*pins->env)->ReleasePrimitiveArrayCritical(pins->env, pins->arrays[i], pins->pointers[i], 0);
  }
  pins->count = 0;
}

/* Returns 0, or -1 when memory ran out (Java then throws). */
JNIEXPORT jint JNICALL Java_org_matcomp_compressor_dictionary_NativeKernels_nEncode(
    JNIEnv* env, jclass cls, jfloatArray dictionary, jint atoms, jint dim, jfloatArray signals, jint n, jint k,
    jdouble tolerance, jint threads, jintArray indices, jfloatArray values, jintArray counts, jdoubleArray residuals,
    jdoubleArray norms) {
  Pins pins = {env, {0}, {0}, 0, 0};
  const float* d = pin(&pins, dictionary);
  const float* x = pin(&pins, signals);
  int* idx = pin(&pins, indices);
  float* val = pin(&pins, values);
  int* cnt = pin(&pins, counts);
  double* res = pin(&pins, residuals);
  double* nrm = pin(&pins, norms);
  int rc = -1;
  if (!pins.failed) {
    rc = has_avx2() ? encode_avx2(d, atoms, dim, x, n, k, tolerance, threads, idx, val, cnt, res, nrm)
                    : encode_generic(d, atoms, dim, x, n, k, tolerance, threads, idx, val, cnt, res, nrm);
  }
  unpin_all(&pins);
  return rc;
}


JNIEXPORT void JNICALL Java_org_matcomp_compressor_dictionary_NativeKernels_nLearn(
    JNIEnv* env, jclass cls, jfloatArray signals, jint n, jint dim, jint atoms, jint k, jint iterations,
    jint stride, jint threads, jfloatArray dictionary, jintArray indices, jfloatArray stored, jintArray counts,
    jdoubleArray errors, jdoubleArray history, jdoubleArray initial, jintArray stats) {
  Pins pins = {env, {0}, {0}, 0, 0};
  const float* x = pin(&pins, signals);
  float* d = pin(&pins, dictionary);
  int* idx = pin(&pins, indices);
  float* st = pin(&pins, stored);
  int* cnt = pin(&pins, counts);
  double* err = pin(&pins, errors);
  double* hist = pin(&pins, history);
  double* init = pin(&pins, initial);
  int* sts = pin(&pins, stats);
  if (!pins.failed) {
    if (has_avx2()) {
      learn_avx2(x, n, dim, atoms, k, iterations, stride, threads, d, idx, st, cnt, err, hist, init, sts);
    } else {
      learn_generic(x, n, dim, atoms, k, iterations, stride, threads, d, idx, st, cnt, err, hist, init, sts);
    }
  } else if (sts) {
    sts[STAT_STATUS] = STATUS_NO_MEMORY;
  }
  unpin_all(&pins);
}

/* AtomSeeding.seed up to the random fill: returns the atoms picked (-1 when memory ran out); state[0] comes in as
 * the seed and leaves as the generator's state. */
JNIEXPORT jint JNICALL Java_org_matcomp_compressor_dictionary_NativeKernels_nSeed(
    JNIEnv* env, jclass cls, jfloatArray signals, jint n, jint dim, jint atoms, jlongArray state, jfloatArray chosen) {
  Pins pins = {env, {0}, {0}, 0, 0};
  const float* x = pin(&pins, signals);
  jlong* s = pin(&pins, state);
  float* c = pin(&pins, chosen);
  jint a = -1;
  if (!pins.failed) {
    uint64_t st = (uint64_t)s[0];
    a = has_avx2() ? seed_rows_avx2(x, n, dim, atoms, &st, c) : seed_rows_generic(x, n, dim, atoms, &st, c);
    s[0] = (jlong)st;
  }
  unpin_all(&pins);
  return a;
}
