/*
 * Resolves the TensorFlow C API table (tf_c_api.h) from the TensorFlow copy TF Java has loaded.
 *
 * dlopen(..., RTLD_NOLOAD) never loads anything: it returns the already-loaded object whose name or soname is
 * libtensorflow_framework.so.2 (JavaCPP loads it from its cache by full path; glibc also matches the soname), or NULL
 * if TensorFlow is not in the process yet. A plain dlsym(RTLD_DEFAULT, ...) would find nothing, since JavaCPP loads
 * TensorFlow with RTLD_LOCAL. The handle is kept: TensorFlow is never unloaded while the JVM lives.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "tf_c_api.h"

__attribute__((visibility("hidden"))) MatcompTfApi tf;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_resolved; /* set once every function is found; a failure is retried on the next call */

static int resolve(char* err, size_t err_len) {
  void* lib = dlopen(MATCOMP_TF_LIBRARY, RTLD_LAZY | RTLD_NOLOAD);
  if (lib == NULL) {
    snprintf(err, err_len, MATCOMP_TF_LIBRARY " is not loaded in this process; load TensorFlow first"
             " (TensorFlow.version())");
    return -1;
  }
  MatcompTfApi found;
#define MATCOMP_TF_LOOKUP(ret, name, params)                                                       \
  found.name = (ret(*) params)dlsym(lib, #name);                                                   \
  if (found.name == NULL) {                                                                        \
    snprintf(err, err_len, "the loaded " MATCOMP_TF_LIBRARY " does not export " #name              \
             " (matcomp's native code is written against the C API of TensorFlow 2.18)");          \
    return -1;                                                                                     \
  }
  MATCOMP_TF_FUNCTIONS(MATCOMP_TF_LOOKUP)
#undef MATCOMP_TF_LOOKUP
  tf = found;
  return 0;
}

int matcomp_tf_resolve(char* err, size_t err_len) {
  pthread_mutex_lock(&g_lock);
  if (!g_resolved) g_resolved = resolve(err, err_len) == 0;
  int resolved = g_resolved;
  pthread_mutex_unlock(&g_lock);
  return resolved ? 0 : -1;
}
