package org.matcomp.compressor.prune;

import org.matcomp.compressor.MethodParameters;

/**
 * Pruning's parameters (the reference's model_pruning hparams plus matcomp's N:M): how a mask is chosen — sparsity,
 * score, block or N:M rule — and when masks are updated during training (the polynomial sparsity schedule).
 */
public record PruneParameters(PruneCompressor masking, SparsitySchedule schedule) implements MethodParameters {}
