package org.matcomp.compressor.halfprecision;

import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.MethodParameters;

/** fp16's and bf16's only setting: the float type, fixed by the method's name. */
public record HalfPrecisionParameters(FactorType type) implements MethodParameters {}
