package org.matcomp.compressor.narrow;

import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.MethodParameters;

/** The number type weights are stored in (int8's per-column or per-tensor scales included). */
public record NarrowParameters(FactorType type) implements MethodParameters {}
