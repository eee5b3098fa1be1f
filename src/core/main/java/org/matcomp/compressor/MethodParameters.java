package org.matcomp.compressor;

/**
 * A method's parameters as a typed, validated value (one record per method), made from a spec's hparams by
 * {@link Method#parameters}. {@link #toString()} shows every field.
 */
public interface MethodParameters {}
