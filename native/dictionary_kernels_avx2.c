/* The dictionary kernels built for AVX2 (chosen at run time when the CPU has it). AVX2, not AVX-512: on the
 * Xeon this was measured on, the 512-bit build ran dictionary learning 1.3x slower than the 256-bit one (clock
 * throttling), and no slower than the baseline build. FMA stays off (-ffp-contract=off in the Makefile): results
 * must not depend on the build. */
#include "dictionary_kernels.h"
#pragma GCC target("avx2")
#define MC_ENTRY(name) name##_avx2
#define MC_VECTOR_FLOATS 8
#include "dictionary_kernels_impl.h"
