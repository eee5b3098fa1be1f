/*
 * The TensorFlow C API functions matcomp's native library calls, reached through a table of function pointers that
 * tf_c_api.c fills at run time from the TensorFlow TF Java has already loaded.
 *
 * Why a table and not plain calls: the library must load without TensorFlow (the dictionary kernels and the CLI's
 * setenv live in it too, and loading TensorFlow costs about a second), so it has no link-time dependency on
 * libtensorflow_framework.so.2 at all. JavaCPP loads TensorFlow with RTLD_LOCAL, so its symbols are not in the
 * global scope either: tf_c_api.c asks the loaded copy for each one by name (dlopen RTLD_NOLOAD + dlsym).
 *
 * No TensorFlow headers ship with TF Java, so each prototype below is our own, mirroring
 * tensorflow/c/{tf_status,tf_tensor,ops,kernels}.h of TF 2.18 (TF Java 1.1.0), with every TF type opaque. Enum values
 * are the stable ones from tf_datatype.h / tf_status.h (also the DataType / Code protobuf numbers). Call sites read
 * tf.TF_Name(...); the functions are deliberately not declared as plain functions, so a direct call cannot compile
 * (and the Makefile links with -z defs, so none can link).
 */
#ifndef MATCOMP_TF_C_API_H_
#define MATCOMP_TF_C_API_H_

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct TF_Status TF_Status;
typedef struct TF_Tensor TF_Tensor;
typedef struct TF_OpDefinitionBuilder TF_OpDefinitionBuilder;
typedef struct TF_ShapeInferenceContext TF_ShapeInferenceContext;
typedef struct TF_KernelBuilder TF_KernelBuilder;
typedef struct TF_OpKernelConstruction TF_OpKernelConstruction;
typedef struct TF_OpKernelContext TF_OpKernelContext;

/* tf_datatype.h: only the types the op accepts; *_REF types are these + 100. */
typedef enum TF_DataType {
  TF_FLOAT = 1,
  TF_DOUBLE = 2,
  TF_INT32 = 3,
  TF_UINT8 = 4,
  TF_INT64 = 9,
  TF_BOOL = 10
} TF_DataType;

/* tf_status.h */
typedef enum TF_Code {
  TF_OK = 0,
  TF_INVALID_ARGUMENT = 3,
  TF_FAILED_PRECONDITION = 9,
  TF_OUT_OF_RANGE = 11,
  TF_INTERNAL = 13
} TF_Code;

typedef void (*TF_ShapeInferenceFn)(TF_ShapeInferenceContext* ctx, TF_Status* status);
typedef void* (*TF_KernelCreateFn)(TF_OpKernelConstruction* ctx);
typedef void (*TF_KernelComputeFn)(void* kernel, TF_OpKernelContext* ctx);
typedef void (*TF_KernelDeleteFn)(void* kernel);

/* X(return type, name, parameter list): every function we use, and the only place its signature is written. */
#define MATCOMP_TF_FUNCTIONS(X)                                                                                     \
  /* tf_status.h */                                                                                                 \
  X(TF_Status*, TF_NewStatus, (void))                                                                               \
  X(void, TF_DeleteStatus, (TF_Status * s))                                                                         \
  X(TF_Code, TF_GetCode, (const TF_Status* s))                                                                      \
  X(const char*, TF_Message, (const TF_Status* s))                                                                  \
  X(void, TF_SetStatus, (TF_Status * s, TF_Code code, const char* msg))                                             \
  /* tf_tensor.h */                                                                                                 \
  X(void, TF_DeleteTensor, (TF_Tensor * t))                                                                         \
  X(TF_DataType, TF_TensorType, (const TF_Tensor* t))                                                               \
  X(int, TF_NumDims, (const TF_Tensor* t))                                                                          \
  X(int64_t, TF_Dim, (const TF_Tensor* t, int dim_index))                                                           \
  X(size_t, TF_TensorByteSize, (const TF_Tensor* t))                                                                \
  X(void*, TF_TensorData, (const TF_Tensor* t))                                                                     \
  /* ops.h */                                                                                                       \
  X(TF_OpDefinitionBuilder*, TF_NewOpDefinitionBuilder, (const char* op_name))                                      \
  X(void, TF_RegisterOpDefinition, (TF_OpDefinitionBuilder * builder, TF_Status * status))                          \
  X(void, TF_OpDefinitionBuilderAddAttr, (TF_OpDefinitionBuilder * builder, const char* attr_spec))                 \
  X(void, TF_OpDefinitionBuilderAddInput, (TF_OpDefinitionBuilder * builder, const char* input_spec))               \
  X(void, TF_OpDefinitionBuilderAddOutput, (TF_OpDefinitionBuilder * builder, const char* output_spec))             \
  X(void, TF_OpDefinitionBuilderSetIsStateful, (TF_OpDefinitionBuilder * builder, bool is_stateful))                \
  X(void, TF_OpDefinitionBuilderSetShapeInferenceFunction,                                                          \
    (TF_OpDefinitionBuilder * builder, TF_ShapeInferenceFn shape_inference_func))                                   \
  X(void, TF_ShapeInferenceContextSetUnknownShape, (TF_ShapeInferenceContext * ctx, TF_Status * status))            \
  /* kernels.h */                                                                                                   \
  X(TF_KernelBuilder*, TF_NewKernelBuilder,                                                                         \
    (const char* op_name, const char* device_name, TF_KernelCreateFn create_func, TF_KernelComputeFn compute_func,  \
     TF_KernelDeleteFn delete_func))                                                                                \
  X(void, TF_RegisterKernelBuilder, (const char* kernel_name, TF_KernelBuilder* builder, TF_Status* status))        \
  X(void, TF_OpKernelConstruction_Failure, (TF_OpKernelConstruction * ctx, TF_Status * status))                     \
  X(void, TF_OpKernelConstruction_GetAttrSize,                                                                      \
    (TF_OpKernelConstruction * ctx, const char* attr_name, int32_t* list_size, int32_t* total_size,                 \
     TF_Status* status))                                                                                            \
  X(void, TF_OpKernelConstruction_GetAttrString,                                                                    \
    (TF_OpKernelConstruction * ctx, const char* attr_name, char* val, size_t max_length, TF_Status* status))        \
  X(void, TF_OpKernelConstruction_GetAttrTypeList,                                                                  \
    (TF_OpKernelConstruction * ctx, const char* attr_name, TF_DataType* vals, int max_vals, TF_Status* status))     \
  X(void, TF_GetInput, (TF_OpKernelContext * ctx, int i, TF_Tensor** tensor, TF_Status* status))                    \
  X(void, TF_SetOutput, (TF_OpKernelContext * ctx, int i, const TF_Tensor* tensor, TF_Status* status))              \
  X(void, TF_OpKernelContext_Failure, (TF_OpKernelContext * ctx, TF_Status * status))                               \
  X(TF_Tensor*, TF_AllocateOutput,                                                                                  \
    (TF_OpKernelContext * context, int index, TF_DataType dtype, const int64_t* dims, int num_dims, size_t len,     \
     TF_Status* status))

typedef struct MatcompTfApi {
#define MATCOMP_TF_POINTER(ret, name, params) ret(*name) params;
  MATCOMP_TF_FUNCTIONS(MATCOMP_TF_POINTER)
#undef MATCOMP_TF_POINTER
} MatcompTfApi;

/* Filled by matcomp_tf_resolve; every member is non-null once it has succeeded, and nothing reads it before. */
extern MatcompTfApi tf;

/* The soname of the library that exports every function above (checked with nm -D on TF Java 1.1.0's copy). */
#define MATCOMP_TF_LIBRARY "libtensorflow_framework.so.2"

/*
 * Fills `tf` from the TensorFlow already loaded in this process; once it has succeeded, later calls do nothing.
 * Returns 0, or -1 with the reason in err (TensorFlow not loaded yet, or a function missing from it).
 */
int matcomp_tf_resolve(char* err, size_t err_len);

#endif /* MATCOMP_TF_C_API_H_ */
