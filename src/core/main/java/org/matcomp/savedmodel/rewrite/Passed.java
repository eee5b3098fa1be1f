package org.matcomp.savedmodel.rewrite;

/**
 * A replaced weight crossing into a function or a loop: as its resource handle, or ({@code value}) as its value — a
 * Keras GRU reads its kernel outside {@code standard_gru} and passes the tensor in. Either way the factors cross
 * instead, the same way.
 */
record Passed(Replacement replacement, boolean value) {}
