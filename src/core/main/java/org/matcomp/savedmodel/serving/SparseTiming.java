package org.matcomp.savedmodel.serving;

/** x·W at one batch size timed both ways: the dense MatMul and SparseTensorDenseMatMul over W's nonzeros (median ms). */
public record SparseTiming(int batch, double denseMs, double sparseMs) {}
