package org.matcomp.compressor.inputoutput;

import org.matcomp.compressor.MethodParameters;

/**
 * Input/output compression's parameters, with the reference's defaults: compress the input side (true) in blocks of
 * {@code input_block_size} (32) shrunk by {@code input_compression_factor} (1); the output side (false) likewise.
 */
public record InputOutputParameters(boolean compressInput, int inputBlockSize, int inputFactor,
    boolean compressOutput, int outputBlockSize, int outputFactor) implements MethodParameters {}
