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
 * Op and kernel are registered by a constructor that runs when TensorFlow.loadLibrary dlopens this
 * library. Everything JVM-side lives in native/host_callback_jni.c behind native/host_call.h.
 */
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
  TF_Status* status = TF_NewStatus();
  TF_SetStatus(status, code, message);
  TF_OpKernelContext_Failure(call->ctx, status);
  TF_DeleteStatus(status);
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
  TF_Status* status = TF_NewStatus();
  TF_Tensor* t = TF_AllocateOutput(call->ctx, index, k->tout[index], dims, num_dims, total, status);
  if (TF_GetCode(status) != TF_OK) {
    snprintf(err, err_len, "output %d: TF_AllocateOutput failed: %s", index, TF_Message(status));
    TF_DeleteStatus(status);
    return MATCOMP_BAD_STATE;
  }
  TF_DeleteStatus(status);
  *data = TF_TensorData(t);
  *bytes = TF_TensorByteSize(t);
  /* The context keeps its own reference to the buffer, so it outlives this handle. */
  TF_DeleteTensor(t);
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
  if (TF_TensorType(call->inputs[in]) != k->tout[out]) {
    snprintf(err, err_len, "forwardInput(%d, %d): input dtype %d differs from Tout[%d] = %d", in, out,
             (int)TF_TensorType(call->inputs[in]), out, (int)k->tout[out]);
    return MATCOMP_BAD_ARGUMENT;
  }
  TF_Status* status = TF_NewStatus();
  TF_SetOutput(call->ctx, out, call->inputs[in], status);
  MatcompResult result = MATCOMP_OK;
  if (TF_GetCode(status) != TF_OK) {
    snprintf(err, err_len, "forwardInput(%d, %d): TF_SetOutput failed: %s", in, out, TF_Message(status));
    result = MATCOMP_BAD_STATE;
  } else {
    call->output_set[out] = 1;
  }
  TF_DeleteStatus(status);
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
  TF_OpKernelConstruction_GetAttrSize(ctx, attr, &list_size, &total_size, status);
  if (TF_GetCode(status) != TF_OK) return 0;
  *n = list_size;
  *types = calloc(list_size > 0 ? (size_t)list_size : 1, sizeof(TF_DataType));
  if (*types == NULL) {
    TF_SetStatus(status, TF_INTERNAL, MATCOMP_OP_NAME ": out of memory reading a type list");
    return 0;
  }
  if (list_size > 0) TF_OpKernelConstruction_GetAttrTypeList(ctx, attr, *types, list_size, status);
  return TF_GetCode(status) == TF_OK;
}

static void* kernel_create(TF_OpKernelConstruction* ctx) {
  TF_Status* status = TF_NewStatus();
  MatcompKernel* k = calloc(1, sizeof(MatcompKernel));
  if (k == NULL) {
    TF_SetStatus(status, TF_INTERNAL, MATCOMP_OP_NAME ": out of memory creating the kernel");
    goto fail;
  }
  int32_t list_size = 0, name_len = 0;
  TF_OpKernelConstruction_GetAttrSize(ctx, "callback", &list_size, &name_len, status);
  if (TF_GetCode(status) != TF_OK) goto fail;
  k->callback = calloc((size_t)name_len + 1, 1);
  if (k->callback == NULL) {
    TF_SetStatus(status, TF_INTERNAL, MATCOMP_OP_NAME ": out of memory reading the callback name");
    goto fail;
  }
  TF_OpKernelConstruction_GetAttrString(ctx, "callback", k->callback, (size_t)name_len, status);
  if (TF_GetCode(status) != TF_OK) goto fail;
  if (!read_type_list(ctx, "Tin", &k->num_inputs, &k->tin, status)) goto fail;
  if (!read_type_list(ctx, "Tout", &k->num_outputs, &k->tout, status)) goto fail;
  const char* bridge_error = matcomp_bridge_kernel_init(k);
  if (bridge_error != NULL) {
    TF_SetStatus(status, TF_FAILED_PRECONDITION, bridge_error);
    goto fail;
  }
  TF_DeleteStatus(status);
  return k;

fail:
  TF_OpKernelConstruction_Failure(ctx, status);
  TF_DeleteStatus(status);
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
  TF_Status* status = TF_NewStatus();
  for (; fetched < k->num_inputs; fetched++) {
    TF_GetInput(ctx, fetched, &inputs[fetched], status);
    if (TF_GetCode(status) != TF_OK) {
      snprintf(message, sizeof message, MATCOMP_OP_NAME " '%s': cannot read input %d: %s", k->callback, fetched,
               TF_Message(status));
      matcomp_call_fail(&call, TF_GetCode(status), message);
      break;
    }
  }
  TF_DeleteStatus(status);
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
  for (int i = 0; i < fetched; i++) TF_DeleteTensor(inputs[i]);
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
  TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

static void report(const char* what, TF_Status* status) {
  /* A constructor cannot return an error; stderr is the only channel, and the Java loader then finds the
     op missing from loadLibrary's OpList and fails with its own message. */
  fprintf(stderr, "matcomp_native: %s failed: %s\n", what, TF_Message(status));
}

__attribute__((constructor)) static void register_host_callback_op(void) {
  TF_Status* status = TF_NewStatus();

  TF_OpDefinitionBuilder* op = TF_NewOpDefinitionBuilder(MATCOMP_OP_NAME);
  TF_OpDefinitionBuilderAddAttr(op, "Tin: list(" TYPE_LIST ") >= 0");
  TF_OpDefinitionBuilderAddAttr(op, "Tout: list(" TYPE_LIST ") >= 0");
  TF_OpDefinitionBuilderAddAttr(op, "callback: string");
  TF_OpDefinitionBuilderAddInput(op, "input: Tin");
  TF_OpDefinitionBuilderAddOutput(op, "output: Tout");
  TF_OpDefinitionBuilderSetIsStateful(op, true);
  TF_OpDefinitionBuilderSetShapeInferenceFunction(op, unknown_shapes);
  TF_RegisterOpDefinition(op, status);
  if (TF_GetCode(status) != TF_OK) {
    report("registering op " MATCOMP_OP_NAME, status);
    TF_DeleteStatus(status);
    return;
  }

  TF_KernelBuilder* kb = TF_NewKernelBuilder(MATCOMP_OP_NAME, "CPU", kernel_create, kernel_compute, kernel_delete);
  TF_RegisterKernelBuilder(MATCOMP_OP_NAME "_CPU", kb, status);
  if (TF_GetCode(status) != TF_OK) report("registering the CPU kernel of " MATCOMP_OP_NAME, status);
  TF_DeleteStatus(status);
}
