package org.matcomp.savedmodel.trace;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One input string of a NodeDef, parsed. The top-level graph writes {@code node} or {@code node:i}; a function body
 * writes {@code node:outarg:i} or a bare input-argument name; both write {@code ^node} for a control input.
 *
 * @param node the producing node, or the argument name when {@link #isArgument()}
 * @param outputArg the producing op's output-argument name (function bodies only), else null
 * @param index the output index (within {@code outputArg} in a function body, flat at top level)
 */
public record TensorRef(String node, String outputArg, int index, boolean control, boolean isArgument) {

  public static TensorRef parse(String input, Location where) {
    checkArgument(!input.isEmpty(), "empty input string in %s", where);
    if (input.startsWith("^")) {
      return new TensorRef(input.substring(1), null, 0, true, false);
    }
    String[] parts = input.split(":", -1);
    return switch (parts.length) {
      case 1 -> where.isTopLevel()
          ? new TensorRef(input, null, 0, false, false)
          : new TensorRef(input, null, 0, false, true);
      case 2 -> new TensorRef(parts[0], null, parseIndex(input, parts[1]), false, false);
      case 3 -> new TensorRef(parts[0], parts[1], parseIndex(input, parts[2]), false, false);
      default -> throw new IllegalArgumentException("cannot parse input '" + input + "' in " + where);
    };
  }

  private static int parseIndex(String input, String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("input '" + input + "' has a non-numeric output index", e);
    }
  }

  /** The input string for {@code node}'s output in {@code where}'s syntax. */
  public static String format(Location where, String node, String outputArg, int index) {
    if (where.isTopLevel()) {
      return index == 0 ? node : node + ":" + index;
    }
    return node + ":" + outputArg + ":" + index;
  }
}
