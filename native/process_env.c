/*
 * setenv for the JVM, which cannot change its own process environment (org.matcomp.nativelib.ProcessEnvironment).
 *
 * TensorFlow's C++ logging takes its threshold from TF_CPP_MIN_LOG_LEVEL, read from the environment once, when the
 * first message is logged — which happens while its library loads. The CLI therefore sets the variable here, before
 * anything touches TensorFlow; this is why the library as a whole must load without TensorFlow.
 */
#include <jni.h>
#include <stdlib.h>

/* static native int nSetenvIfAbsent(String name, String value): 1 if set, 0 if the variable already had a value, -1 on
 * error. */
JNIEXPORT jint JNICALL Java_org_matcomp_nativelib_ProcessEnvironment_nSetenvIfAbsent(JNIEnv* env, jclass cls,
                                                                                    jstring name, jstring value) {
  if (name == NULL || value == NULL) return -1;
  const char* n = (*env)->GetStringUTFChars(env, name, NULL);
  if (n == NULL) return -1;
  const char* v = (*env)->GetStringUTFChars(env, value, NULL);
  if (v == NULL) {
    (*env)->ReleaseStringUTFChars(env, name, n);
    return -1;
  }
  int result = getenv(n) != NULL ? 0 : (setenv(n, v, 0) == 0 ? 1 : -1);
  (*env)->ReleaseStringUTFChars(env, value, v);
  (*env)->ReleaseStringUTFChars(env, name, n);
  return result;
}
