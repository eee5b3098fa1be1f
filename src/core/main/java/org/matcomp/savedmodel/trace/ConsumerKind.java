package org.matcomp.savedmodel.trace;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The ops whose weight input a compressed form can replace, with the input positions that may carry the weight.
 * How each sees the weight as a matrix is {@link MatrixView}'s to say (a Conv2D filter [kh, kw, cin, cout] is the
 * (kh·kw·cin)×cout matrix it reshapes to).
 */
public enum ConsumerKind {
  MATMUL(Set.of("MatMul"), Set.of(0, 1)),
  CONV2D(Set.of("Conv2D"), Set.of(1)),
  /** A TF2 embedding lookup: the resource itself is input 0, no ReadVariableOp in between. */
  RESOURCE_GATHER(Set.of("ResourceGather"), Set.of(0)),
  /** A TF1 embedding lookup on a variable's value. */
  GATHER(Set.of("GatherV2", "Gather"), Set.of(0)),
  /** EinsumDense / MultiHeadAttention projections: the weight is a (contracted × kept) matrix of its axes. */
  EINSUM(Set.of("Einsum"), Set.of(0, 1)),
  /** A batched product with a rank-2 weight operand (Keras 3's Dense on 3-D input), adj_x/adj_y honoured. */
  BATCH_MATMUL(Set.of("BatchMatMulV2", "BatchMatMul", "BatchMatMulV3"), Set.of(0, 1)),
  /** A depthwise filter [kh, kw, cin, mult], seen as (kh·kw)×(cin·mult): element-wise methods only. */
  DEPTHWISE(Set.of("DepthwiseConv2dNative"), Set.of(1));

  private final Set<String> ops;
  private final Set<Integer> weightInputs;

  ConsumerKind(Set<String> ops, Set<Integer> weightInputs) {
    this.ops = ops;
    this.weightInputs = weightInputs;
  }

  public static Optional<ConsumerKind> of(String op) {
    return Arrays.stream(values()).filter(k -> k.ops.contains(op)).findFirst();
  }

  public boolean canCarryWeight(int input) {
    return weightInputs.contains(input);
  }

  public boolean isGather() {
    return this == RESOURCE_GATHER || this == GATHER;
  }

  /** For reports: the op family name. */
  public String label() {
    return switch (this) {
      case MATMUL -> "MatMul";
      case CONV2D -> "Conv2D";
      case RESOURCE_GATHER -> "ResourceGather";
      case GATHER -> "Gather";
      case EINSUM -> "Einsum";
      case BATCH_MATMUL -> "BatchMatMul";
      case DEPTHWISE -> "DepthwiseConv2dNative";
    };
  }
}
