/* The native side of org.matcomp.nativelib.NativeLoader: which protocol this build speaks. */
#include <jni.h>

#include "matcomp_native.h"

/* static native int nAbiVersion(): NativeLoader refuses a library built from other sources than its Java side. */
JNIEXPORT jint JNICALL Java_org_matcomp_nativelib_NativeLoader_nAbiVersion(JNIEnv* env, jclass cls) {
  return MATCOMP_ABI_VERSION;
}
