package org.matcomp.compressor.blockdiagonal;

import org.matcomp.compressor.MethodParameters;

/** Block-diagonal's parameters: the number of diagonal blocks ({@code block_compression_factor}, default 1). */
public record BlockDiagonalParameters(int blocks) implements MethodParameters {}
