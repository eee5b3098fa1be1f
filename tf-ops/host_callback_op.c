/*
 * MatcompHostCallback: a TensorFlow op whose CPU kernel runs a Java callback (a py_function for TF Java).
 *
 *   MatcompHostCallback(input: Tin) -> output: Tout
 *     Tin, Tout: list({float, double, int32, uint8, int64, bool}) >= 0
 *     callback:  string, the name under which the Java callback was registered (HostCallbacks.register)
 *
 * The op is stateful (its result depends on Java state, and it may have side effects), so TF never
 * constant-folds, CSEs or caches it. Output shapes are unknown at graph time: the Java callback chooses
 * them at run time; the Java op builder can assert static shapes with EnsureShape.
 *
 * Op and kernel are registered by matcomp_register_op, which Java calls (NativeBridge.nRegisterOp) once TF Java has
 * loaded TensorFlow; every TF function is reached through the table in native/tf_c_api.h, because this library
 * does not link against TensorFlow (it must load without it, for the dictionary kernels). Everything JVM-side lives
 * in native/host_callback_jni.c behind native/host_call.h.
 */
#define _GNU_SOURCE /* dladdr, RTLD_NODELETE */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../native/host_call.h"

#define MAX_BYTE_BUFFER_BYTES ((size_t)0x7fffffff) /* a Java ByteBuffer is int-indexed */
#define MAX_RANK 254                                /* TensorShape::MaxDimensions() */
#define TYPE_LIST "{float, double, int32, uint8, int64, bool}"

static size_t dtype_size(TF_DataType t) {
  switch (t) {
    case TF_FLOAT: case TF_INT32: return 4;
    case TF_DOUBLE: case TF_INT64: return 8;
    case TF_UINT8: case TF_BOOL: return 1;
    default: return 0;
  }
}

/* ---------------------------------------------------------------- kernel services (see host_call.h) */

void matcomp_call_fail(MatcompCall* call, TF_Code code, const char* message) {
  if (call->failed) return;  /* the first failure explains the others */
  call->failed = 1;
  TF_Status* status = tf.TF_NewStatus();
  tf.TF_SetStatus(status, code, message);
  tf.TF_OpKernelContext_Failure(call->ctx, status);
  tf.TF_DeleteStatus(status);
}

MatcompResult matcomp_call_allocate_output(MatcompCall* call, int index, const int64_t* dims, int num_dims,
                                           void** data, size_t* bytes, char* err, size_t err_len) {
  const MatcompKernel* k = call->kernel;
  if (index < 0 || index >= k->num_outputs) {
    snprintf(err, err_len, "output index %d out of range [0,%d)", index, k->num_outputs);
    return MATCOMP_BAD_INDEX;
  }
  if (call->output_set[index]) {
    snprintf(err, err_len, "output %d was already set", index);
    return MATCOMP_BAD_STATE;
  }
  /* TensorShape CHECK-fails (aborting the process) beyond 254 dims or on overflow, so refuse first. */
  if (num_dims > MAX_RANK) {
    snprintf(err, err_len, "output %d: rank %d exceeds TensorFlow's limit of %d", index, num_dims, MAX_RANK);
    return MATCOMP_BAD_ARGUMENT;
  }
  size_t elem = dtype_size(k->tout[index]);
  size_t total = elem;
  for (int d = 0; d < num_dims; d++) {
    if (dims[d] < 0 || dims[d] > (int64_t)MAX_BYTE_BUFFER_BYTES) {
      snprintf(err, err_len, "output %d: dimension %d is %lld; dimensions must be in [0, 2^31-1]", index, d,
               (long long)dims[d]);
      return MATCOMP_BAD_ARGUMENT;
    }
    if (dims[d] != 0 && total > MAX_BYTE_BUFFER_BYTES / (size_t)dims[d]) {
      total = MAX_BYTE_BUFFER_BYTES + 1;  /* keep checking the remaining dims for negatives */
    } else {
      total *= (size_t)dims[d];
    }
  }
  if (total > MAX_BYTE_BUFFER_BYTES) {
    snprintf(err, err_len, "output %d: a tensor of this shape exceeds 2^31-1 bytes, the limit of a Java ByteBuffer",
             index);
    return MATCOMP_BAD_ARGUMENT;
  }
  TF_Status* status = tf.TF_NewStatus();
  TF_Tensor* t = tf.TF_AllocateOutput(call->ctx, index, k->tout[index], dims, num_dims, total, status);
  if (tf.TF_GetCode(status) != TF_OK) {
    snprintf(err, err_len, "output %d: TF_AllocateOutput failed: %s", index, tf.TF_Message(status));
    tf.TF_DeleteStatus(status);
    return MATCOMP_BAD_STATE;
  }
  tf.TF_DeleteStatus(status);
  *data = tf.TF_TensorData(t);
  *bytes = tf.TF_TensorByteSize(t);
  /* The context keeps its own reference to the buffer, so it outlives this handle. */
  tf.TF_DeleteTensor(t);
  call->output_set[index] = 1;
  return MATCOMP_OK;
}

MatcompResult matcomp_call_forward_input(MatcompCall* call, int in, int out, char* err, size_t err_len) {
  const MatcompKernel* k = call->kernel;
  if (in < 0 || in >= k->num_inputs) {
    snprintf(err, err_len, "input index %d out of range [0,%d)", in, k->num_inputs);
    return MATCOMP_BAD_INDEX;
  }
  if (out < 0 || out >= k->num_outputs) {
    snprintf(err, err_len, "output index %d out of range [0,%d)", out, k->num_outputs);
    return MATCOMP_BAD_INDEX;
  }
  if (call->output_set[out]) {
    snprintf(err, err_len, "output %d was already set", out);
    return MATCOMP_BAD_STATE;
  }
  if (tf.TF_TensorType(call->inputs[in]) != k->tout[out]) {
    snprintf(err, err_len, "forwardInput(%d, %d): input dtype %d differs from Tout[%d] = %d", in, out,
             (int)tf.TF_TensorType(call->inputs[in]), out, (int)k->tout[out]);
    return MATCOMP_BAD_ARGUMENT;
  }
  TF_Status* status = tf.TF_NewStatus();
  tf.TF_SetOutput(call->ctx, out, call->inputs[in], status);
  MatcompResult result = MATCOMP_OK;
  if (tf.TF_GetCode(status) != TF_OK) {
    snprintf(err, err_len, "forwardInput(%d, %d): TF_SetOutput failed: %s", in, out, tf.TF_Message(status));
    result = MATCOMP_BAD_STATE;
  } else {
    call->output_set[out] = 1;
  }
  tf.TF_DeleteStatus(status);
  return result;
}

/* ---------------------------------------------------------------- kernel */

static void free_kernel(MatcompKernel* k) {
  if (k == NULL) return;
  free(k->callback);
  free(k->tin);
  free(k->tout);
  free(k);
}

/* Reads a list(type) attr; returns 0 and sets status on failure. */
static int read_type_list(TF_OpKernelConstruction* ctx, const char* attr, int* n, TF_DataType** types,
                          TF_Status* status) {
  int32_t list_size = 0, total_size = 0;
  tf.TF_OpKernelConstruction_GetAttrSize(ctx, attr, &list_size, &total_size, status);
  if (tf.TF_GetCode(status) != TF_OK) return 0;
  *n = list_size;
  *types = calloc(list_size > 0 ? (size_t)list_size : 1, sizeof(TF_DataType));
  if (*types == NULL) {
    tf.TF_SetStatus(status, TF_INTERNAL, MATCOMP_OP_NAME ": out of memory reading a type list");
    return 0;
  }
  if (list_size > 0) tf.TF_OpKernelConstruction_GetAttrTypeList(ctx, attr, *types, list_size, status);
  return tf.TF_GetCode(status) == TF_OK;
}

static void* kernel_create(TF_OpKernelConstruction* ctx) {
  TF_Status* status = tf.TF_NewStatus();
  MatcompKernel* k = calloc(1, sizeof(MatcompKernel));
  if (k == NULL) {
    tf.TF_SetStatus(status, TF_INTERNAL, MATCOMP_OP_NAME ": out of memory creating the kernel");
    goto fail;
  }
  int32_t list_size = 0, name_len = 0;
  tf.TF_OpKernelConstruction_GetAttrSize(ctx, "callback", &list_size, &name_len, status);
  if (tf.TF_GetCode(status) != TF_OK) goto fail;
  k->callback = calloc((size_t)name_len + 1, 1);
  if (k->callback == NULL) {
    tf.TF_SetStatus(status, TF_INTERNAL, MATCOMP_OP_NAME ": out of memory reading the callback name");
    goto fail;
  }
  tf.TF_OpKernelConstruction_GetAttrString(ctx, "callback", k->callback, (size_t)name_len, status);
  if (tf.TF_GetCode(status) != TF_OK) goto fail;
  if (!read_type_list(ctx, "Tin", &k->num_inputs, &k->tin, status)) goto fail;
  if (!read_type_list(ctx, "Tout", &k->num_outputs, &k->tout, status)) goto fail;
  const char* bridge_error = matcomp_bridge_kernel_init(k);
  if (bridge_error != NULL) {
    tf.TF_SetStatus(status, TF_FAILED_PRECONDITION, bridge_error);
    goto fail;
  }
  tf.TF_DeleteStatus(status);
  return k;

fail:
  tf.TF_OpKernelConstruction_Failure(ctx, status);
  tf.TF_DeleteStatus(status);
  free_kernel(k);  /* bridge state is created last, so there is none to release here */
  return NULL;
}

static void kernel_compute(void* kernel, TF_OpKernelContext* ctx) {
  MatcompKernel* k = kernel;
  /* Small calls (the common case) need no heap allocation. */
  TF_Tensor* inputs_local[8];
  unsigned char set_local[8];
  TF_Tensor** inputs = k->num_inputs <= 8 ? inputs_local : calloc((size_t)k->num_inputs, sizeof(TF_Tensor*));
  unsigned char* output_set = k->num_outputs <= 8 ? set_local : calloc((size_t)k->num_outputs, 1);
  MatcompCall call = {k, ctx, inputs, output_set, 0};
  int fetched = 0;
  char message[512];

  if (inputs == NULL || output_set == NULL) {
    matcomp_call_fail(&call, TF_INTERNAL, MATCOMP_OP_NAME ": out of memory");
    goto done;
  }
  memset(output_set, 0, (size_t)k->num_outputs);
  TF_Status* status = tf.TF_NewStatus();
  for (; fetched < k->num_inputs; fetched++) {
    tf.TF_GetInput(ctx, fetched, &inputs[fetched], status);
    if (tf.TF_GetCode(status) != TF_OK) {
      snprintf(message, sizeof message, MATCOMP_OP_NAME " '%s': cannot read input %d: %s", k->callback, fetched,
               tf.TF_Message(status));
      matcomp_call_fail(&call, tf.TF_GetCode(status), message);
      break;
    }
  }
  tf.TF_DeleteStatus(status);
  if (call.failed) goto done;

  matcomp_bridge_dispatch(&call);

  for (int i = 0; i < k->num_outputs && !call.failed; i++) {
    if (!output_set[i]) {
      snprintf(message, sizeof message,
               MATCOMP_OP_NAME " '%s': the callback did not set output %d of %d; call HostCall.allocateOutput, "
               "setOutput or forwardInput for every output",
               k->callback, i, k->num_outputs);
      matcomp_call_fail(&call, TF_INVALID_ARGUMENT, message);
    }
  }

done:
  for (int i = 0; i < fetched; i++) tf.TF_DeleteTensor(inputs[i]);
  if (inputs != inputs_local) free(inputs);
  if (output_set != set_local) free(output_set);
}

static void kernel_delete(void* kernel) {
  MatcompKernel* k = kernel;
  if (k == NULL) return;
  matcomp_bridge_kernel_release(k);
  free_kernel(k);
}

/* ---------------------------------------------------------------- registration */

static void unknown_shapes(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  tf.TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

/* Keeps this library mapped for good: TF now holds pointers to its functions, and the JVM would dlclose it if the
 * class loader that loaded it were collected. */
static void pin_this_library(void) {
  Dl_info self;
  if (dladdr((void*)&matcomp_register_op, &self) && self.dli_fname != NULL) {
    dlopen(self.dli_fname, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
  }
}

static pthread_mutex_t g_register_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_registered;  /* 1: op and kernel registered; -1: registration failed (g_failure says why) */
static char g_failure[512];

/* 0 on success; -1 if TensorFlow's functions cannot be found (nothing happened: may be retried); -2 if TF refused a
 * registration (TF cannot take an op definition back, so that is final). */
static int register_op(char* err, size_t err_len) {
  if (matcomp_tf_resolve(err, err_len) != 0) return -1;
  pin_this_library();
  TF_Status* status = tf.TF_NewStatus();
  TF_OpDefinitionBuilder* op = tf.TF_NewOpDefinitionBuilder(MATCOMP_OP_NAME);
  tf.TF_OpDefinitionBuilderAddAttr(op, "Tin: list(" TYPE_LIST ") >= 0");
  tf.TF_OpDefinitionBuilderAddAttr(op, "Tout: list(" TYPE_LIST ") >= 0");
  tf.TF_OpDefinitionBuilderAddAttr(op, "callback: string");
  tf.TF_OpDefinitionBuilderAddInput(op, "input: Tin");
  tf.TF_OpDefinitionBuilderAddOutput(op, "output: Tout");
  tf.TF_OpDefinitionBuilderSetIsStateful(op, true);
  tf.TF_OpDefinitionBuilderSetShapeInferenceFunction(op, unknown_shapes);
  tf.TF_RegisterOpDefinition(op, status); /* consumes the builder */
  if (tf.TF_GetCode(status) != TF_OK) {
    snprintf(err, err_len, "registering the op " MATCOMP_OP_NAME " failed: %s", tf.TF_Message(status));
    tf.TF_DeleteStatus(status);
    return -2;
  }
  TF_KernelBuilder* kb =
      tf.TF_NewKernelBuilder(MATCOMP_OP_NAME, "CPU", kernel_create, kernel_compute, kernel_delete);
  tf.TF_RegisterKernelBuilder(MATCOMP_OP_NAME "_CPU", kb, status); /* takes ownership of the builder */
  int rc = 0;
  if (tf.TF_GetCode(status) != TF_OK) {
    snprintf(err, err_len, "registering the CPU kernel of " MATCOMP_OP_NAME " failed: %s", tf.TF_Message(status));
    rc = -2;
  }
  tf.TF_DeleteStatus(status);
  return rc;
}

int matcomp_register_op(char* err, size_t err_len) {
  pthread_mutex_lock(&g_register_lock);
  if (g_registered == 0) {
    int rc = register_op(err, err_len);
    if (rc == 0) g_registered = 1;
    if (rc == -2) {
      g_registered = -1;
      snprintf(g_failure, sizeof g_failure, "%s", err);
    }
  } else if (g_registered < 0) {
    snprintf(err, err_len, "%s", g_failure);
  }
  int registered = g_registered;
  pthread_mutex_unlock(&g_register_lock);
  return registered > 0 ? 0 : -1;
}
