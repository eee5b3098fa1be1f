package org.matcomp.savedmodel.trace;

import java.util.Set;
import org.tensorflow.proto.NodeDef;

/**
 * Says, in a user's words, why an op that reads a weight keeps it dense: which op, where, and what kind of reader it
 * is (a product matcomp does not rewrite, a loop that captures the weight, a conditional it steers, or no product
 * at all).
 */
final class UnsupportedReader {
  private static final Set<String> LOOPS = Set.of("While", "StatelessWhile");
  private static final Set<String> BRANCHES = Set.of("If", "StatelessIf", "Case", "StatelessCase");

  private UnsupportedReader() {}

  /** Why {@code consumer} (at {@code where}) reading the weight at input {@code input} keeps it dense. */
  static String describe(NodeDef consumer, int input, Location where) {
    String at = "'" + consumer.getName() + "' in " + where;
    String op = consumer.getOp();
    if (op.equals("Einsum")) {
      String eq = consumer.containsAttr("equation") ? consumer.getAttrOrThrow("equation").getS().toStringUtf8() : "?";
      return "read by Einsum " + at + " (equation '" + eq + "'): Einsum consumers are not rewritten";
    }
    if (LOOPS.contains(op)) {
      return "captured by the " + op + " loop " + at + " and read inside its body '" + func(consumer, "body")
          + "' (loop input " + input + "): weights inside loop bodies are not rewritten";
    }
    if (BRANCHES.contains(op)) {
      // the branches themselves are followed; only the input that picks the branch is not a weight's place
      return "used as the " + (op.endsWith("If") ? "condition" : "branch index") + " of the " + op + " " + at
          + " (input " + input + "), which is not a matrix product matcomp rewrites";
    }
    if (op.equals("DepthwiseConv2dNative")) {
      return "read by DepthwiseConv2dNative " + at + ": depthwise filters are not rewritten";
    }
    if (op.startsWith("BatchMatMul")) {
      return "read by " + op + " " + at + " (input " + input + "): batched products are not rewritten";
    }
    return "read by " + op + " '" + consumer.getName() + "' (input " + input + ") in " + where
        + ", which is not a matrix product matcomp rewrites";
  }

  /** A short name for an op reading a weight: {@code MatMul 'm' in f}, a loop with its body, an Einsum's equation. */
  static String reader(NodeDef c, Location where) {
    String op = c.getOp();
    String at = " '" + c.getName() + "' in " + where;
    if (LOOPS.contains(op)) {
      return "the " + op + " loop" + at + " (inside its body '" + func(c, "body") + "')";
    }
    if (op.equals("Einsum")) {
      return "Einsum" + at + " (equation '" + c.getAttrOrThrow("equation").getS().toStringUtf8() + "')";
    }
    return op + at;
  }

  private static String func(NodeDef n, String attr) {
    return n.containsAttr(attr) ? n.getAttrOrThrow(attr).getFunc().getName() : "?";
  }
}
