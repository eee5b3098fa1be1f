package org.matcomp.compressor.dictionary;

import java.util.OptionalInt;
import org.matcomp.compressor.MethodParameters;

/**
 * Dictionary learning's parameters: atoms K ({@code dl_atoms}, else the spec's absolute size, else the reference's
 * ⌊100/rank·rows + 1⌋), nonzeros k a row ({@code dl_nonzeros}, else ⌊100/rank·cols + 1⌋), MOD iterations
 * ({@code dl_iterations}, default 10) and the seed. {@code fraction} is the reference's 100/rank.
 */
public record DictionaryParameters(OptionalInt atoms, OptionalInt nonzeros, double fraction, int iterations,
    long seed) implements MethodParameters {}
