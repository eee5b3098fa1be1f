package org.matcomp.compressor.compose;

import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ValueCoder;

/** The first method's parameters and the coder made from the same hparams. */
public record ComposedParameters(MethodParameters first, ValueCoder coder) implements MethodParameters {}
