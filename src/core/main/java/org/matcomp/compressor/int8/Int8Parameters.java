package org.matcomp.compressor.int8;

import org.matcomp.compressor.MethodParameters;

/**
 * int8's parameters: one scale per output column (default), or one for the whole matrix ({@code int8_per_tensor}).
 */
public record Int8Parameters(boolean perTensor) implements MethodParameters {}
