/* The dictionary kernels for any x86-64 CPU (SSE2), the fallback of dictionary_kernels_avx2.c. */
#include "dictionary_kernels.h"
#define MC_ENTRY(name) name##_generic
#include "dictionary_kernels_impl.h"
