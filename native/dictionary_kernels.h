/* Entry points of the dictionary kernels, one set per instruction-set build (see dictionary_kernels_impl.h). */
#ifndef MATCOMP_DICTIONARY_KERNELS_H
#define MATCOMP_DICTIONARY_KERNELS_H

#define _GNU_SOURCE /* qsort_r */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What learn reports besides its arrays; the layout of nLearn's `stats` (see NativeKernels.learn). */
enum { STAT_STATUS, STAT_HISTORY_LENGTH, STAT_REVERTED, STAT_REPLACED, STAT_COUNT };
enum { STATUS_OK = 0, STATUS_NOT_FINITE = 1, STATUS_NO_MEMORY = 2 };

#define MC_DECLARE(suffix)                                                                                      \
  int encode_##suffix(const float* d, int atoms, int dim, const float* x, int n, int k, double tolerance,       \
                      int threads, int* idx, float* val, int* cnt, double* res, double* nrm);                   \
  int learn_##suffix(const float* x, int n, int dim, int atoms, int k, int iterations, int stride, int threads, \
                     float* dictionary, int* indices, float* stored, int* counts, double* errors,              \
                     double* history, double* initial, int* stats);                                   \
  int seed_rows_##suffix(const float* x, int n, int dim, int atoms, uint64_t* state, float* chosen);

MC_DECLARE(avx2)
MC_DECLARE(generic)

#endif
