/*
 * The contract between the MatcompHostCallback kernel (tf-ops/) and the JNI bridge (native/).
 *
 * The kernel owns everything TensorFlow: attributes, inputs, output allocation and error status. The bridge
 * owns everything JVM: threads, references and the upcall. Keeping JNI out of the kernel lets the kernel be
 * read (and reviewed for TF API misuse) on its own.
 */
#ifndef MATCOMP_HOST_CALL_H_
#define MATCOMP_HOST_CALL_H_

#include "matcomp_native.h"
#include "tf_c_api.h"

/* One per graph node, from kernel creation to deletion; read-only while computing (calls may overlap). */
typedef struct MatcompKernel {
  char* callback;          /* the `callback` attr: name of the Java callback */
  int num_inputs;
  TF_DataType* tin;
  int num_outputs;
  TF_DataType* tout;
  void* bridge;            /* JNI references owned by the bridge */
} MatcompKernel;

/* One per compute call, on the computing thread's stack. Java sees it as an opaque `long` handle. */
typedef struct MatcompCall {
  const MatcompKernel* kernel;
  TF_OpKernelContext* ctx;
  TF_Tensor** inputs;
  unsigned char* output_set;
  int failed;
} MatcompCall;

/* Outcomes of the kernel services, mapped by the bridge onto Java exception types. */
typedef enum MatcompResult {
  MATCOMP_OK = 0,
  MATCOMP_BAD_INDEX,       /* IndexOutOfBoundsException */
  MATCOMP_BAD_ARGUMENT,    /* IllegalArgumentException */
  MATCOMP_BAD_STATE        /* IllegalStateException */
} MatcompResult;

/* ---- provided by the kernel (tf-ops/host_callback_op.c) ---- */

/* Resolves the TF C API (tf_c_api.h) and registers the op and its CPU kernel with this process's TensorFlow, once;
 * later calls return 0 at once. Returns 0, or -1 with the reason in err. */
int matcomp_register_op(char* err, size_t err_len);

/* Allocates output `index` with the kernel's Tout dtype; on success *data / *bytes describe TF's buffer. */
MatcompResult matcomp_call_allocate_output(MatcompCall* call, int index, const int64_t* dims, int num_dims,
                                           void** data, size_t* bytes, char* err, size_t err_len);

/* Makes output `out` share input `in`'s buffer (zero copy); dtypes must agree. */
MatcompResult matcomp_call_forward_input(MatcompCall* call, int in, int out, char* err, size_t err_len);

/* Records a failure on the kernel context; only the first failure of a call is kept. */
void matcomp_call_fail(MatcompCall* call, TF_Code code, const char* message);

/* ---- provided by the bridge (native/host_callback_jni.c) ---- */

/* Creates the per-kernel JNI state; returns NULL, or a message saying why the kernel cannot run. */
const char* matcomp_bridge_kernel_init(MatcompKernel* kernel);

/* Releases what matcomp_bridge_kernel_init created. */
void matcomp_bridge_kernel_release(MatcompKernel* kernel);

/* Runs the Java callback for one call; every failure is reported through matcomp_call_fail. */
void matcomp_bridge_dispatch(MatcompCall* call);

#endif /* MATCOMP_HOST_CALL_H_ */
