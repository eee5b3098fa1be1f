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
 * No Java array is pinned (GetPrimitiveArrayCritical) while a kernel runs: a learning call computes for seconds on
 * several threads, and a critical section that long stalls the garbage collector, and with it every Java thread,
 * TensorFlow's callback threads included. Instead:
 *  - learning and seeding copy their arrays into malloc'd memory and the results back (Get/Set<Type>ArrayRegion, at
 *    most COPY_CHUNK elements per JNI call, so a safepoint never waits long); learning reads its rows in every pass,
 *    so one copy is the cheapest way, about 1 % of a call. Seeding copies only the rows it samples;
 *  - coding (nEncode) reads each row once, so the rows and their codes stream through a few block-sized slots: the
 *    calling thread moves blocks between the Java arrays and the slots while the other threads code (encode in
 *    dictionary_kernels_impl.h). A whole-matrix copy cost a fresh process about 2 ms of page faults on the
 *    10 000-row benchmark, 14 % of the call.
 * native/README.md has the measurements.
 *
 * Checks here: every array is present and holds what the sizes passed with it imply (else IllegalArgumentException
 * naming it), and native memory suffices for the copies (else OutOfMemoryError). The kernels check their own size
 * arguments (dictionary_kernels.h) and return MATCOMP_STATUS_ codes, which Java maps to exceptions.
 */
#include <jni.h>
#include <stdio.h>

#include "dictionary_kernels.h"

/* AVX2 when the CPU has it (checked once by the compiler's CPU model, cached by libgcc). */
static int has_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

/* The most arrays one native method takes. */
#define MAX_COPIES 10
/* Elements per Get/Set<Type>ArrayRegion call: 4 MB of floats, about a millisecond of copying. */
#define COPY_CHUNK ((jsize)1 << 20)

typedef enum { COPY_IN, COPY_OUT, COPY_IN_OUT } Direction;
typedef enum { FLOATS, INTS, DOUBLES, LONGS } ElementType;

typedef struct {
  jarray array;
  void* data;
  jsize length; /* elements copied: what the sizes imply, not the whole array */
  ElementType type;
  Direction direction;
} Copy;

/* The copies of one native call. After the first failure an exception is pending and every later step is skipped. */
typedef struct {
  JNIEnv* env;
  const char* method;
  Copy copies[MAX_COPIES];
  int count;
  int failed;
} Copies;

static size_t element_size(ElementType type) {
  return type == FLOATS || type == INTS ? 4 : 8;
}

static void throw_new(Copies* c, const char* class_name, const char* message) {
  c->failed = 1;
  if ((*c->env)->ExceptionCheck(c->env)) return;
  jclass type = (*c->env)->FindClass(c->env, class_name);
  if (type != NULL) (*c->env)->ThrowNew(c->env, type, message);
}

static void read_chunks(JNIEnv* env, jarray array, ElementType type, void* data, jsize length) {
  for (jsize at = 0; at < length; at += COPY_CHUNK) {
    jsize len = length - at < COPY_CHUNK ? length - at : COPY_CHUNK;
    switch (type) {
      case FLOATS: (*env)->GetFloatArrayRegion(env, array, at, len, (jfloat*)data + at); break;
      case INTS: (*env)->GetIntArrayRegion(env, array, at, len, (jint*)data + at); break;
      case DOUBLES: (*env)->GetDoubleArrayRegion(env, array, at, len, (jdouble*)data + at); break;
      case LONGS: (*env)->GetLongArrayRegion(env, array, at, len, (jlong*)data + at); break;
    }
  }
}

static void write_chunks(JNIEnv* env, jarray array, ElementType type, const void* data, jsize length) {
  for (jsize at = 0; at < length; at += COPY_CHUNK) {
    jsize len = length - at < COPY_CHUNK ? length - at : COPY_CHUNK;
    switch (type) {
      case FLOATS: (*env)->SetFloatArrayRegion(env, array, at, len, (const jfloat*)data + at); break;
      case INTS: (*env)->SetIntArrayRegion(env, array, at, len, (const jint*)data + at); break;
      case DOUBLES: (*env)->SetDoubleArrayRegion(env, array, at, len, (const jdouble*)data + at); break;
      case LONGS: (*env)->SetLongArrayRegion(env, array, at, len, (const jlong*)data + at); break;
    }
  }
}

/* Whether `array` (named `name` in errors) is present and holds at least `needed` elements; else an exception is
 * pending. */
static int check_length(Copies* c, jarray array, const char* name, int64_t needed) {
  if (c->failed) return 0;
  char message[256];
  if (array == NULL) {
    snprintf(message, sizeof message, "%s: %s is null", c->method, name);
    throw_new(c, "java/lang/IllegalArgumentException", message);
    return 0;
  }
  jsize length = (*c->env)->GetArrayLength(c->env, array);
  if (needed < 0 || needed > length) {
    snprintf(message, sizeof message, "%s: %s holds %d elements, and the sizes passed with it need %lld",
             c->method, name, (int)length, (long long)needed);
    throw_new(c, "java/lang/IllegalArgumentException", message);
    return 0;
  }
  return 1;
}

/*
 * Native memory for the first `needed` elements of `array`: copied from the array unless the direction is COPY_OUT,
 * in which case it starts zeroed (the kernels leave some output slots unwritten, and Java's fresh arrays hold zeros
 * there). NULL after a failure, with an exception pending.
 */
static void* copy(Copies* c, jarray array, const char* name, ElementType type, int64_t needed, Direction direction) {
  if (!check_length(c, array, name, needed)) return NULL;
  char message[256];
  if (c->count == MAX_COPIES) {
    snprintf(message, sizeof message, "%s: more than %d arrays (a bug in matcomp_native)", c->method, MAX_COPIES);
    throw_new(c, "java/lang/IllegalStateException", message);
    return NULL;
  }
  size_t size = element_size(type);
  void* data = direction == COPY_OUT ? calloc(needed > 0 ? (size_t)needed : 1, size)
                                     : malloc(needed > 0 ? (size_t)needed * size : 1);
  if (data == NULL) {
    snprintf(message, sizeof message, "%s: no native memory for a copy of %s (%lld bytes)", c->method, name,
             (long long)needed * (long long)size);
    throw_new(c, "java/lang/OutOfMemoryError", message);
    return NULL;
  }
  if (direction != COPY_OUT) read_chunks(c->env, array, type, data, (jsize)needed);
  c->copies[c->count++] = (Copy){array, data, (jsize)needed, type, direction};
  return data;
}

/* Copies the results back to their arrays (unless a step failed) and frees every copy. */
static void finish(Copies* c) {
  for (int i = 0; i < c->count; i++) {
    Copy* k = &c->copies[i];
    if (!c->failed && k->direction != COPY_IN) write_chunks(c->env, k->array, k->type, k->data, k->length);
    free(k->data);
  }
  c->count = 0;
}

/* n * dim and the like, in 64 bits: products of two jints cannot overflow them. */
static int64_t times(jint a, jint b) {
  return (int64_t)a * b;
}

/* The Java arrays of one nEncode call, read and written block by block (MatcompRowStream). */
typedef struct {
  JNIEnv* env;
  jfloatArray signals;
  jintArray indices;
  jfloatArray values;
  jintArray counts;
  jdoubleArray residuals;
  jdoubleArray norms;
  jint dim, k;
} EncodeArrays;

/* Region calls cannot fail here (every length was checked), but a pending exception forbids further JNI calls. */
static void read_rows(void* ctx, int from, int count, float* x) {
  EncodeArrays* a = ctx;
  if ((*a->env)->ExceptionCheck(a->env)) return;
  (*a->env)->GetFloatArrayRegion(a->env, a->signals, (jsize)from * a->dim, (jsize)count * a->dim, x);
}

static void write_codes(void* ctx, int from, int count, const int* idx, const float* val, const int* cnt,
                        const double* res, const double* nrm) {
  EncodeArrays* a = ctx;
  JNIEnv* env = a->env;
  if ((*env)->ExceptionCheck(env)) return;
  (*env)->SetIntArrayRegion(env, a->indices, (jsize)from * a->k, (jsize)count * a->k, idx);
  (*env)->SetFloatArrayRegion(env, a->values, (jsize)from * a->k, (jsize)count * a->k, val);
  (*env)->SetIntArrayRegion(env, a->counts, from, count, cnt);
  (*env)->SetDoubleArrayRegion(env, a->residuals, from, count, res);
  (*env)->SetDoubleArrayRegion(env, a->norms, from, count, nrm);
}

/* static native int nEncode(...): a MATCOMP_STATUS_ code. The signals and the code pass through the kernel's
 * block-sized slots (see encode in dictionary_kernels_impl.h); only the dictionary is copied whole. */
JNIEXPORT jint JNICALL Java_org_matcomp_compressor_dictionary_NativeKernels_nEncode(
    JNIEnv* env, jclass cls, jfloatArray dictionary, jint atoms, jint dim, jfloatArray signals, jint n, jint k,
    jdouble tolerance, jint threads, jintArray indices, jfloatArray values, jintArray counts, jdoubleArray residuals,
    jdoubleArray norms) {
  Copies c = {env, "nEncode", {{0}}, 0, 0};
  const float* d = copy(&c, dictionary, "dictionary", FLOATS, times(atoms, dim), COPY_IN);
  int lengths_ok = check_length(&c, signals, "signals", times(n, dim))
                   && check_length(&c, indices, "indices", times(n, k))
                   && check_length(&c, values, "values", times(n, k))
                   && check_length(&c, counts, "counts", n)
                   && check_length(&c, residuals, "residuals", n)
                   && check_length(&c, norms, "norms", n);
  jint status = MATCOMP_STATUS_OK;
  if (lengths_ok) {
    EncodeArrays arrays = {env, signals, indices, values, counts, residuals, norms, dim, k};
    MatcompRowStream rows = {&arrays, read_rows, write_codes};
    status = has_avx2() ? encode_avx2(d, atoms, dim, n, k, tolerance, threads, &rows)
                        : encode_generic(d, atoms, dim, n, k, tolerance, threads, &rows);
  }
  finish(&c);
  return status;
}

/* static native void nLearn(...): the outcome is in stats (MATCOMP_STAT_ layout). */
JNIEXPORT void JNICALL Java_org_matcomp_compressor_dictionary_NativeKernels_nLearn(
    JNIEnv* env, jclass cls, jfloatArray signals, jint n, jint dim, jint atoms, jint k, jint iterations,
    jint stride, jint threads, jfloatArray dictionary, jintArray indices, jfloatArray stored, jintArray counts,
    jdoubleArray errors, jdoubleArray history, jdoubleArray initial, jintArray stats) {
  Copies c = {env, "nLearn", {{0}}, 0, 0};
  const float* x = copy(&c, signals, "signals", FLOATS, times(n, dim), COPY_IN);
  float* d = copy(&c, dictionary, "dictionary", FLOATS, times(atoms, dim), COPY_IN_OUT);
  int* idx = copy(&c, indices, "indices", INTS, times(n, k), COPY_OUT);
  float* st = copy(&c, stored, "values", FLOATS, times(n, k), COPY_OUT);
  int* cnt = copy(&c, counts, "counts", INTS, n, COPY_OUT);
  double* err = copy(&c, errors, "errors", DOUBLES, n, COPY_OUT);
  double* hist = copy(&c, history, "history", DOUBLES, iterations, COPY_OUT);
  double* init = copy(&c, initial, "initial", DOUBLES, 1, COPY_OUT);
  int* sts = copy(&c, stats, "stats", INTS, MATCOMP_STAT_COUNT, COPY_OUT);
  if (!c.failed) {
    if (has_avx2()) {
      learn_avx2(x, n, dim, atoms, k, iterations, stride, threads, d, idx, st, cnt, err, hist, init, sts);
    } else {
      learn_generic(x, n, dim, atoms, k, iterations, stride, threads, d, idx, st, cnt, err, hist, init, sts);
    }
  }
  finish(&c);
}

/*
 * static native int nSeed(...): AtomSeeding.seed up to the random fill. Returns the atoms picked, or minus a
 * MATCOMP_STATUS_ code; state[0] comes in as the seed and leaves as the generator's state. Only the sampled rows
 * (at most 2 per atom) are copied in, not the table.
 */
JNIEXPORT jint JNICALL Java_org_matcomp_compressor_dictionary_NativeKernels_nSeed(
    JNIEnv* env, jclass cls, jfloatArray signals, jint n, jint dim, jint atoms, jlongArray state, jfloatArray chosen) {
  Copies c = {env, "nSeed", {{0}}, 0, 0};
  jlong* s = copy(&c, state, "state", LONGS, 1, COPY_IN_OUT);
  float* picked = copy(&c, chosen, "chosen", FLOATS, times(atoms, dim), COPY_OUT);
  jint a = -MATCOMP_STATUS_NO_MEMORY;
  if (check_length(&c, signals, "signals", times(n, dim))) {
    uint64_t st = (uint64_t)s[0];
    int avx2 = has_avx2();
    int* order = malloc(sizeof(int) * (n > 0 ? (size_t)n : 1));
    int m = order == NULL ? -MATCOMP_STATUS_NO_MEMORY
            : avx2        ? seed_sample_avx2(n, atoms, &st, order)
                          : seed_sample_generic(n, atoms, &st, order);
    float* sample = NULL;
    if (m < 0 || dim < 1) {
      a = m < 0 ? m : -MATCOMP_STATUS_BAD_ARGUMENT; /* dim < 1: no rows to copy; seed_rows would refuse it too */
    } else if ((sample = malloc(sizeof(float) * ((size_t)m * dim + 1))) != NULL) {
      for (int i = 0; i < m; i++) {
        (*env)->GetFloatArrayRegion(env, signals, (jsize)((int64_t)order[i] * dim), dim, sample + (size_t)i * dim);
      }
      a = avx2 ? seed_rows_avx2(sample, m, dim, atoms, &st, picked)
               : seed_rows_generic(sample, m, dim, atoms, &st, picked);
    }
    free(sample);
    free(order);
    s[0] = (jlong)st;
  }
  finish(&c);
  return a;
}
