/*
 * Entry points of the dictionary kernels, one set per instruction-set build (see dictionary_kernels_impl.h).
 *
 * Each entry checks its own size arguments and returns MATCOMP_STATUS_BAD_ARGUMENT (matcomp_native.h), touching
 * nothing, when they are outside what it computes on; the caller (the JNI bridge, dictionary_kernels.c) guarantees
 * only that every array holds the elements the sizes imply:
 *
 *   encode     atoms >= 1, dim >= 1, n >= 0, 1 <= k <= atoms
 *   learn      n >= 1, dim >= 1, atoms >= 1, 1 <= k <= atoms, iterations >= 1, stride >= 1
 *   seed_*     n >= 0 (the sample: m >= 0), dim >= 1, atoms >= 1
 *
 * No entry point calls JNI (encode calls back into its caller's MatcompRowStream instead) or keeps a pointer after
 * it returns; `threads` is clamped to [1, n].
 */
#ifndef MATCOMP_DICTIONARY_KERNELS_H
#define MATCOMP_DICTIONARY_KERNELS_H

#define _GNU_SOURCE /* qsort_r */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "matcomp_native.h"

/*
 * Where Batch-OMP gets its rows and puts their codes, one block of rows at a time: read copies rows [from, from +
 * count) into x (count x dim); write stores their codes (count x k indices and values, count counts, residuals and
 * squared norms). Both are called only on the thread that called encode, never at the same time, so they may use
 * that thread's JNIEnv.
 */
typedef struct MatcompRowStream {
  void* ctx;
  void (*read)(void* ctx, int from, int count, float* x);
  void (*write)(void* ctx, int from, int count, const int* idx, const float* val, const int* cnt, const double* res,
                const double* nrm);
} MatcompRowStream;

#define MC_DECLARE(suffix)                                                                                      \
  int encode_##suffix(const float* d, int atoms, int dim, int n, int k, double tolerance, int threads,          \
                      const MatcompRowStream* rows);                                                            \
  int learn_##suffix(const float* x, int n, int dim, int atoms, int k, int iterations, int stride, int threads, \
                     float* dictionary, int* indices, float* stored, int* counts, double* errors,              \
                     double* history, double* initial, int* stats);                                             \
  int seed_sample_##suffix(int n, int atoms, uint64_t* state, int* order);                                      \
  int seed_rows_##suffix(const float* sample, int m, int dim, int atoms, uint64_t* state, float* chosen);

MC_DECLARE(avx2)
MC_DECLARE(generic)

#endif
