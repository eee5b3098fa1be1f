/**
 * matcomp's native library, {@code libmatcomp_native.so}, on its own: {@link org.matcomp.nativelib.NativeLoader}
 * extracts and loads it without touching TensorFlow, {@link org.matcomp.nativelib.NativeAbi} mirrors the numbers of
 * {@code native/matcomp_native.h}, {@link org.matcomp.nativelib.ProcessEnvironment} is its setenv and
 * {@link org.matcomp.nativelib.StderrFilter} takes absl's log lines off stderr. Its users are the dictionary kernels
 * ({@code compressor.dictionary.NativeKernels}), the CLI, and {@code hostcallback}, which registers the library's TF
 * op once TensorFlow is loaded.
 */
package org.matcomp.nativelib;
