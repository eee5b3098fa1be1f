package org.matcomp.compressor.kmeans;

import org.matcomp.compressor.MethodParameters;

/**
 * k-means' parameters: the codebook settings, and {@code kmeans_zero_pin} — keep an exact zero codeword so sparse
 * matrices keep their zeros (default false).
 */
public record KMeansParameters(CodebookParameters codebook, boolean pinZero) implements MethodParameters {}
