/*
 * Every number (and the one name) that matcomp's Java code and libmatcomp_native.so must agree on, in one place.
 *
 * Java mirrors this file in org.matcomp.nativelib.NativeAbi, field for field (MATCOMP_X here is NativeAbi.X there),
 * and NativeAbiTest parses this file and checks both directions: every definition here has a Java field of the same
 * value, and every NativeAbi field has a definition here. Keep to that form so the test can read it: one
 * `#define MATCOMP_<NAME> <integer or "string">` per line, nothing computed.
 */
#ifndef MATCOMP_NATIVE_H_
#define MATCOMP_NATIVE_H_

/* Bumped whenever a native method, its arguments or any value below changes meaning: NativeLoader refuses a library
 * whose nAbiVersion differs (a stale library extracted by an older matcomp). */
#define MATCOMP_ABI_VERSION 3

/* ---- the host-callback op ---- */

/* The TF op type registered by NativeBridge.nRegisterOp. */
#define MATCOMP_OP_NAME "MatcompHostCallback"

/* The status codes Java may pass to NativeBridge.nFail: TF's own (tensorflow/core/protobuf/error_codes.proto).
 * Any other code is reported as FAIL_INTERNAL, so that Java can never mark a failed node OK (code 0). */
#define MATCOMP_FAIL_INVALID_ARGUMENT 3
#define MATCOMP_FAIL_INTERNAL 13

/* ---- the dictionary kernels (NativeKernels) ---- */

/* Outcomes of nEncode (its return value) and nLearn (stats[STAT_STATUS]). Arrays that do not fit the sizes passed
 * with them never reach a kernel: the bridge throws IllegalArgumentException naming the array. */
#define MATCOMP_STATUS_OK 0
/* nLearn: some row has a NaN or infinite entry; nothing was learned (Java names the entry). */
#define MATCOMP_STATUS_NOT_FINITE 1
/* A work array could not be allocated. */
#define MATCOMP_STATUS_NO_MEMORY 2
/* A size argument is outside what the kernel computes on (see each kernel's preconditions in
 * dictionary_kernels.h); nothing was read or written. */
#define MATCOMP_STATUS_BAD_ARGUMENT 3

/* The layout of nLearn's int[] stats. */
#define MATCOMP_STAT_STATUS 0
#define MATCOMP_STAT_HISTORY_LENGTH 1
#define MATCOMP_STAT_REVERTED 2
#define MATCOMP_STAT_REPLACED 3
#define MATCOMP_STAT_COUNT 4

/* ---- the stderr filter (stderr_filter.c, StderrFilter) ---- */

/* The most bytes of one line the filter holds back while they may still begin an absl log line it drops; a longer
 * prefix passes through. */
#define MATCOMP_STDERR_FILTER_HOLD_MAX 512

#endif /* MATCOMP_NATIVE_H_ */
