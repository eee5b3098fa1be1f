package org.matcomp.compressor;

/**
 * W = left·right with left rows×rank and right rank×cols: a product that never needs W itself. A consumer then runs
 * as two cheaper steps — x·W as (x·left)·right, a Conv2D as a rank-channel window convolution then a 1×1 one, an
 * embedding as rows of left times right.
 */
public record Factored(Expr left, Expr right, int rank) {}
