package org.matcomp.compressor.mixedblock;

import org.matcomp.compressor.MethodParameters;

/** Mixed block's parameters: blocks ({@code compression_factor}) and mixer bases ({@code num_bases}), default 1. */
public record MixedBlockParameters(int blocks, int bases) implements MethodParameters {}
