/*
 * JNI bridge of the MatcompHostCallback kernel: calls org.matcomp.hostcallback.NativeBridge.dispatch on the
 * TF thread that runs the kernel, and serves the native methods Java uses to produce outputs.
 *
 * Design rules (each one avoids a failure seen when the design was verified):
 *  - No FindClass on TF threads: it resolves against the system class loader there and fails when matcomp
 *    sits in a child class loader. NativeBridge.nInit (a static native) hands us its own jclass instead.
 *  - Nothing here runs before Java has called nInit and nRegisterOp: TF creates kernels only for registered ops,
 *    so the TF functions (tf_c_api.h) are resolved by then.
 *  - TF pool threads are attached once, as daemons (they must not keep the JVM alive), and detached by a
 *    pthread key destructor when TF ends the thread.
 *  - Each upcall runs inside Push/PopLocalFrame: an attached native thread never returns to Java, so local
 *    references would otherwise accumulate for the life of the thread.
 *  - A Java exception never escapes: Java reports failures through nFail, and a pending exception after the
 *    upcall is turned into a TF error here.
 */
#include <jni.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_call.h"

#define JNI_VERSION JNI_VERSION_1_8

_Static_assert(MATCOMP_FAIL_INVALID_ARGUMENT == TF_INVALID_ARGUMENT, "nFail codes are TF's");
_Static_assert(MATCOMP_FAIL_INTERNAL == TF_INTERNAL, "nFail codes are TF's");
#define DISPATCH_SIGNATURE "(Ljava/lang/String;J[Ljava/nio/ByteBuffer;[I[I[J[I)V"

static JavaVM* g_vm;
static jclass g_bridge_class;
static jmethodID g_dispatch;
static jclass g_byte_buffer_class;
static jclass g_index_exception;
static jclass g_argument_exception;
static jclass g_state_exception;
static jmethodID g_throwable_to_string;
static pthread_key_t g_detach_key;
static atomic_int g_ready;          /* set last by nInit, with release semantics */
static atomic_int g_thread_counter;

/* NewDirectByteBuffer needs a non-null address even for an empty tensor. */
static char g_empty_data[1];

typedef struct BridgeKernel {
  jstring callback;     /* global ref */
  jintArray out_dtypes; /* global ref; Java treats it as read-only since calls share it */
} BridgeKernel;

static void detach_thread(void* vm) {
  (*(JavaVM*)vm)->DetachCurrentThread((JavaVM*)vm);
}

/* The calling thread's JNIEnv, attaching it (once) if TF created it; NULL if the JVM refuses. */
static JNIEnv* current_env(void) {
  JNIEnv* env = NULL;
  jint rc = (*g_vm)->GetEnv(g_vm, (void**)&env, JNI_VERSION);
  if (rc == JNI_OK) return env;
  if (rc != JNI_EDETACHED) return NULL;
  char name[48];
  snprintf(name, sizeof name, "matcomp-hostcallback-%d", atomic_fetch_add(&g_thread_counter, 1) + 1);
  JavaVMAttachArgs args = {JNI_VERSION, name, NULL};
  if ((*g_vm)->AttachCurrentThreadAsDaemon(g_vm, (void**)&env, &args) != JNI_OK) return NULL;
  pthread_setspecific(g_detach_key, g_vm);
  return env;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void* reserved) {
  g_vm = vm;
  return JNI_VERSION;
}

/* A global reference to a bootstrap class, or NULL with NoClassDefFoundError pending. */
static jclass global_class(JNIEnv* env, const char* name) {
  jclass local = (*env)->FindClass(env, name);  /* Java thread, bootstrap classes: safe here */
  if (local == NULL) return NULL;
  jclass global = (*env)->NewGlobalRef(env, local);
  (*env)->DeleteLocalRef(env, local);
  return global;
}

static void delete_global(JNIEnv* env, jobject ref) {
  if (ref != NULL) (*env)->DeleteGlobalRef(env, ref);
}

static void throw_state(JNIEnv* env, const char* message) {
  if ((*env)->ExceptionCheck(env)) return;  /* the JVM's own exception says more */
  jclass type = (*env)->FindClass(env, "java/lang/IllegalStateException");
  if (type != NULL) (*env)->ThrowNew(env, type, message);
}

/*
 * static native void nInit(): captures the JavaVM, the dispatcher class (the caller: no FindClass on TF threads) and
 * what the upcall and the natives need. Everything is looked up first and published only if all of it was found; on
 * failure the references made so far are deleted and an exception is pending. Idempotent.
 */
JNIEXPORT void JNICALL Java_org_matcomp_hostcallback_NativeBridge_nInit(JNIEnv* env, jclass bridge) {
  if (atomic_load_explicit(&g_ready, memory_order_acquire)) return;
  JavaVM* vm = NULL;
  if ((*env)->GetJavaVM(env, &vm) != JNI_OK) {
    throw_state(env, "matcomp_native: GetJavaVM failed");
    return;
  }
  jclass bridge_class = NULL, byte_buffer = NULL, index_exception = NULL, argument_exception = NULL,
         state_exception = NULL, throwable = NULL;
  jmethodID dispatch = NULL, to_string = NULL;
  int ok = (dispatch = (*env)->GetStaticMethodID(env, bridge, "dispatch", DISPATCH_SIGNATURE)) != NULL
           && (bridge_class = (*env)->NewGlobalRef(env, bridge)) != NULL
           && (byte_buffer = global_class(env, "java/nio/ByteBuffer")) != NULL
           && (index_exception = global_class(env, "java/lang/IndexOutOfBoundsException")) != NULL
           && (argument_exception = global_class(env, "java/lang/IllegalArgumentException")) != NULL
           && (state_exception = global_class(env, "java/lang/IllegalStateException")) != NULL
           && (throwable = (*env)->FindClass(env, "java/lang/Throwable")) != NULL
           && (to_string = (*env)->GetMethodID(env, throwable, "toString", "()Ljava/lang/String;")) != NULL;
  if (ok && pthread_key_create(&g_detach_key, detach_thread) != 0) {
    ok = 0;
    throw_state(env, "matcomp_native: pthread_key_create failed");
  }
  if (throwable != NULL) (*env)->DeleteLocalRef(env, throwable);
  if (!ok) {
    delete_global(env, bridge_class);
    delete_global(env, byte_buffer);
    delete_global(env, index_exception);
    delete_global(env, argument_exception);
    delete_global(env, state_exception);
    throw_state(env, "matcomp_native: the JNI bridge could not find what it needs");
    return;
  }
  g_vm = vm;
  g_bridge_class = bridge_class;
  g_dispatch = dispatch;
  g_byte_buffer_class = byte_buffer;
  g_index_exception = index_exception;
  g_argument_exception = argument_exception;
  g_state_exception = state_exception;
  g_throwable_to_string = to_string;
  atomic_store_explicit(&g_ready, 1, memory_order_release);
}

/* static native String nRegisterOp(): registers the op and its CPU kernel (see matcomp_register_op); null on
 * success, else why not. Needs TensorFlow loaded (TF Java: TensorFlow.version()). */
JNIEXPORT jstring JNICALL Java_org_matcomp_hostcallback_NativeBridge_nRegisterOp(JNIEnv* env, jclass bridge) {
  char err[512] = "";
  if (matcomp_register_op(err, sizeof err) == 0) return NULL;
  return (*env)->NewStringUTF(env, err);
}

/* ---------------------------------------------------------------- per-kernel state */

const char* matcomp_bridge_kernel_init(MatcompKernel* kernel) {
  if (!atomic_load_explicit(&g_ready, memory_order_acquire)) {
    return MATCOMP_OP_NAME ": the Java bridge is not initialized; this op runs only in a JVM where "
           "org.matcomp.hostcallback.NativeLibrary.load() has run";
  }
  JNIEnv* env = current_env();
  if (env == NULL) return MATCOMP_OP_NAME ": cannot attach the kernel-creating thread to the JVM";
  BridgeKernel* b = calloc(1, sizeof(BridgeKernel));
  if (b == NULL) return MATCOMP_OP_NAME ": out of memory";
  if ((*env)->PushLocalFrame(env, 4) < 0) {
    (*env)->ExceptionClear(env);
    free(b);
    return MATCOMP_OP_NAME ": out of Java memory creating the kernel";
  }
  jstring name = (*env)->NewStringUTF(env, kernel->callback);
  jintArray dtypes = (*env)->NewIntArray(env, kernel->num_outputs);
  if (name != NULL && dtypes != NULL) {
    jint* values = malloc(sizeof(jint) * (size_t)(kernel->num_outputs > 0 ? kernel->num_outputs : 1));
    if (values != NULL) {
      for (int i = 0; i < kernel->num_outputs; i++) values[i] = (jint)kernel->tout[i];
      (*env)->SetIntArrayRegion(env, dtypes, 0, kernel->num_outputs, values);
      free(values);
      b->callback = (*env)->NewGlobalRef(env, name);
      b->out_dtypes = (*env)->NewGlobalRef(env, dtypes);
    }
  }
  (*env)->ExceptionClear(env);
  (*env)->PopLocalFrame(env, NULL);
  if (b->callback == NULL || b->out_dtypes == NULL) {
    if (b->callback) (*env)->DeleteGlobalRef(env, b->callback);
    if (b->out_dtypes) (*env)->DeleteGlobalRef(env, b->out_dtypes);
    free(b);
    return MATCOMP_OP_NAME ": out of Java memory creating the kernel";
  }
  kernel->bridge = b;
  return NULL;
}

void matcomp_bridge_kernel_release(MatcompKernel* kernel) {
  BridgeKernel* b = kernel->bridge;
  if (b == NULL) return;
  JNIEnv* env = current_env();
  if (env != NULL) {  /* without a JVM (process exit) there is nothing left to release */
    (*env)->DeleteGlobalRef(env, b->callback);
    (*env)->DeleteGlobalRef(env, b->out_dtypes);
  }
  free(b);
  kernel->bridge = NULL;
}

/* ---------------------------------------------------------------- the upcall */

/* Turns the pending Java exception into a TF error; used only when Java could not report it itself. */
static void fail_from_pending_exception(JNIEnv* env, MatcompCall* call) {
  jthrowable error = (*env)->ExceptionOccurred(env);
  (*env)->ExceptionClear(env);
  char message[1024];
  const char* detail = NULL;
  jstring text = error ? (*env)->CallObjectMethod(env, error, g_throwable_to_string) : NULL;
  if ((*env)->ExceptionCheck(env)) {
    (*env)->ExceptionClear(env);
    text = NULL;
  }
  if (text != NULL) detail = (*env)->GetStringUTFChars(env, text, NULL);
  snprintf(message, sizeof message, MATCOMP_OP_NAME " '%s' failed: %s", call->kernel->callback,
           detail ? detail : "a Java exception whose description is unavailable");
  if (detail != NULL) (*env)->ReleaseStringUTFChars(env, text, detail);
  (*env)->ExceptionClear(env);
  matcomp_call_fail(call, TF_INTERNAL, message);
}

void matcomp_bridge_dispatch(MatcompCall* call) {
  const MatcompKernel* k = call->kernel;
  const BridgeKernel* b = k->bridge;
  char message[512];
  JNIEnv* env = current_env();
  if (env == NULL) {
    snprintf(message, sizeof message, MATCOMP_OP_NAME " '%s': cannot attach this TF thread to the JVM",
             k->callback);
    matcomp_call_fail(call, TF_INTERNAL, message);
    return;
  }
  if ((*env)->PushLocalFrame(env, 8) < 0) {
    fail_from_pending_exception(env, call);
    return;
  }
  int n = k->num_inputs;
  int total_dims = 0;
  for (int i = 0; i < n; i++) total_dims += tf.TF_NumDims(call->inputs[i]);

  jint ranks_local[8], dtypes_local[8];
  jlong dims_local[32];
  jint* ranks = n <= 8 ? ranks_local : malloc(sizeof(jint) * (size_t)n);
  jint* dtypes = n <= 8 ? dtypes_local : malloc(sizeof(jint) * (size_t)n);
  jlong* dims = total_dims <= 32 ? dims_local : malloc(sizeof(jlong) * (size_t)total_dims);
  jobjectArray buffers = NULL;
  jintArray j_ranks = NULL, j_dtypes = NULL;
  jlongArray j_dims = NULL;

  if (ranks == NULL || dtypes == NULL || dims == NULL) {
    snprintf(message, sizeof message, MATCOMP_OP_NAME " '%s': out of memory", k->callback);
    matcomp_call_fail(call, TF_INTERNAL, message);
    goto done;
  }
  buffers = (*env)->NewObjectArray(env, n, g_byte_buffer_class, NULL);
  j_ranks = (*env)->NewIntArray(env, n);
  j_dtypes = (*env)->NewIntArray(env, n);
  j_dims = (*env)->NewLongArray(env, total_dims);
  if (buffers == NULL || j_ranks == NULL || j_dtypes == NULL || j_dims == NULL) {
    fail_from_pending_exception(env, call);
    goto done;
  }
  for (int i = 0, d = 0; i < n; i++) {
    TF_Tensor* t = call->inputs[i];
    size_t bytes = tf.TF_TensorByteSize(t);
    if (bytes > 0x7fffffffu) {
      snprintf(message, sizeof message,
               MATCOMP_OP_NAME " '%s': input %d has %zu bytes; a Java ByteBuffer holds at most 2^31-1",
               k->callback, i, bytes);
      matcomp_call_fail(call, TF_INVALID_ARGUMENT, message);
      goto done;
    }
    void* data = tf.TF_TensorData(t);
    jobject buffer = (*env)->NewDirectByteBuffer(env, bytes > 0 && data ? data : g_empty_data, (jlong)bytes);
    if (buffer == NULL) {
      fail_from_pending_exception(env, call);
      goto done;
    }
    (*env)->SetObjectArrayElement(env, buffers, i, buffer);
    (*env)->DeleteLocalRef(env, buffer);
    ranks[i] = tf.TF_NumDims(t);
    dtypes[i] = (jint)tf.TF_TensorType(t);
    for (int r = 0; r < ranks[i]; r++) dims[d++] = (jlong)tf.TF_Dim(t, r);
  }
  (*env)->SetIntArrayRegion(env, j_ranks, 0, n, ranks);
  (*env)->SetIntArrayRegion(env, j_dtypes, 0, n, dtypes);
  (*env)->SetLongArrayRegion(env, j_dims, 0, total_dims, dims);

  (*env)->CallStaticVoidMethod(env, g_bridge_class, g_dispatch, b->callback, (jlong)(intptr_t)call, buffers,
                               j_dtypes, j_ranks, j_dims, b->out_dtypes);
  if ((*env)->ExceptionCheck(env)) fail_from_pending_exception(env, call);

done:
  if (ranks != ranks_local) free(ranks);
  if (dtypes != dtypes_local) free(dtypes);
  if (dims != dims_local) free(dims);
  (*env)->PopLocalFrame(env, NULL);
}

/* ---------------------------------------------------------------- natives used by HostCall */

static void throw_result(JNIEnv* env, MatcompResult result, const char* message) {
  jclass type = result == MATCOMP_BAD_INDEX      ? g_index_exception
                : result == MATCOMP_BAD_ARGUMENT ? g_argument_exception
                                                 : g_state_exception;
  (*env)->ThrowNew(env, type, message);
}

static MatcompCall* live_call(JNIEnv* env, jlong handle) {
  if (handle == 0) {
    (*env)->ThrowNew(env, g_state_exception, "HostCall used after its callback returned");
    return NULL;
  }
  return (MatcompCall*)(intptr_t)handle;
}

/* static native ByteBuffer nAllocateOutput(long handle, int index, long[] shape); */
JNIEXPORT jobject JNICALL Java_org_matcomp_hostcallback_NativeBridge_nAllocateOutput(JNIEnv* env, jclass cls,
                                                                                     jlong handle, jint index,
                                                                                     jlongArray shape) {
  MatcompCall* call = live_call(env, handle);
  if (call == NULL) return NULL;
  jsize rank = (*env)->GetArrayLength(env, shape);
  jlong dims_local[16];
  jlong* dims = rank <= 16 ? dims_local : malloc(sizeof(jlong) * (size_t)rank);
  if (dims == NULL) {
    (*env)->ThrowNew(env, g_state_exception, "out of native memory");
    return NULL;
  }
  (*env)->GetLongArrayRegion(env, shape, 0, rank, dims);
  char err[256];
  void* data = NULL;
  size_t bytes = 0;
  MatcompResult result =
      matcomp_call_allocate_output(call, index, (const int64_t*)dims, (int)rank, &data, &bytes, err, sizeof err);
  if (dims != dims_local) free(dims);
  if (result != MATCOMP_OK) {
    throw_result(env, result, err);
    return NULL;
  }
  return (*env)->NewDirectByteBuffer(env, bytes > 0 && data ? data : g_empty_data, (jlong)bytes);
}

/* static native void nForwardInput(long handle, int input, int output); */
JNIEXPORT void JNICALL Java_org_matcomp_hostcallback_NativeBridge_nForwardInput(JNIEnv* env, jclass cls,
                                                                               jlong handle, jint input,
                                                                               jint output) {
  MatcompCall* call = live_call(env, handle);
  if (call == NULL) return;
  char err[256];
  MatcompResult result = matcomp_call_forward_input(call, input, output, err, sizeof err);
  if (result != MATCOMP_OK) throw_result(env, result, err);
}

/* static native void nFail(long handle, int code, String message); */
JNIEXPORT void JNICALL Java_org_matcomp_hostcallback_NativeBridge_nFail(JNIEnv* env, jclass cls, jlong handle,
                                                                       jint code, jstring message) {
  MatcompCall* call = live_call(env, handle);
  if (call == NULL) return;
  /* Only the codes matcomp_native.h lists: anything else, TF_OK above all, would not fail the node as asked. */
  TF_Code tf_code = code == MATCOMP_FAIL_INVALID_ARGUMENT ? TF_INVALID_ARGUMENT : TF_INTERNAL;
  const char* text = message ? (*env)->GetStringUTFChars(env, message, NULL) : NULL;
  matcomp_call_fail(call, tf_code, text ? text : MATCOMP_OP_NAME ": callback failed");
  if (text != NULL) (*env)->ReleaseStringUTFChars(env, message, text);
}
