package org.matcomp.linalg;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A two-operand einsum equation such as {@code abc,cde->abde}, read as a matrix product with one operand the weight:
 * each of the weight's axes is either contracted (it appears in the other operand and not in the output) or kept (in
 * the output and not in the other operand). The weight then is a (contracted × kept) matrix whatever the order of
 * its axes, and the consumer can be rebuilt from factors with stock Einsums.
 */
public record EinsumEquation(String weight, String other, String output, boolean weightFirst) {
  /** The weight's contracted axes in its own order. */
  public String contracted() {
    StringBuilder sb = new StringBuilder();
    for (char c : weight.toCharArray()) {
      if (other.indexOf(c) >= 0) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The weight's kept axes in its own order. */
  public String kept() {
    StringBuilder sb = new StringBuilder();
    for (char c : weight.toCharArray()) {
      if (output.indexOf(c) >= 0) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The equation with the weight's subscripts replaced, operands in their original order. */
  public String withWeight(String subscripts) {
    return weightFirst ? subscripts + "," + other + "->" + output : other + "," + subscripts + "->" + output;
  }

  /** The weight's subscripts contracted axes first: the tensor form of its (contracted × kept) matrix. */
  public String matrixOrder() {
    return contracted() + kept();
  }

  /**
   * The two equations of x ⊙ (L·R) for W = L·R through a new inner axis: x with L [contracted…, z] gives every
   * output axis but the kept ones, plus z; that with R [z, kept…] gives the output. The other operand comes first
   * in the first equation, the intermediate in the second.
   */
  public Factored factored() {
    char z = freeLetter();
    StringBuilder middle = new StringBuilder();
    for (char ch : output.toCharArray()) {
      if (kept().indexOf(ch) < 0) {
        middle.append(ch);
      }
    }
    middle.append(z);
    return new Factored(other + "," + contracted() + z + "->" + middle, middle + "," + z + kept() + "->" + output);
  }

  /** {@link #factored}: x with the left factor, then the intermediate with the right one. */
  public record Factored(String first, String second) {}

  /** A letter the equation does not use, for a factor's inner axis. */
  public char freeLetter() {
    String used = weight + other + output;
    for (char c = 'a'; c <= 'z'; c++) {
      if (used.indexOf(c) < 0) {
        return c;
      }
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      if (used.indexOf(c) < 0) {
        return c;
      }
    }
    throw new IllegalStateException("no free einsum letter in " + withWeight(weight));
  }

  /**
   * Reads {@code equation} with operand {@code weightInput} as the weight; fails with the reason a user sees when
   * the weight's axes do not split into contracted and kept ones.
   */
  public static EinsumEquation parse(String equation, int weightInput) {
    String eq = equation.replace(" ", "");
    int arrow = eq.indexOf("->");
    if (arrow < 0) {
      throw new IllegalArgumentException("equation '" + equation + "' has no explicit output (->)");
    }
    String[] in = eq.substring(0, arrow).split(",", -1);
    if (in.length != 2 || weightInput < 0 || weightInput > 1) {
      throw new IllegalArgumentException("equation '" + equation + "' is not a two-operand product");
    }
    String weight = in[weightInput];
    String other = in[1 - weightInput];
    String output = eq.substring(arrow + 2);
    if (weight.contains(".")) {
      throw new IllegalArgumentException("equation '" + equation + "' has an ellipsis on the weight");
    }
    Set<Character> seen = new LinkedHashSet<>();
    List<Character> problems = new ArrayList<>();
    for (char c : weight.toCharArray()) {
      if (!seen.add(c)) {
        throw new IllegalArgumentException("equation '" + equation + "' repeats index '" + c + "' on the weight");
      }
      boolean inOther = other.indexOf(c) >= 0;
      boolean inOutput = output.indexOf(c) >= 0;
      if (inOther == inOutput) {
        problems.add(c);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("equation '" + equation + "': the weight's ax" + (problems.size() == 1 ? "is "
          : "es ") + problems + " " + (problems.size() == 1 ? "is" : "are") + " neither contracted nor kept (on both"
          + " sides, or summed away)");
    }
    EinsumEquation e = new EinsumEquation(weight, other, output, weightInput == 0);
    if (e.contracted().isEmpty() || e.kept().isEmpty()) {
      throw new IllegalArgumentException("equation '" + equation + "' contracts " + (e.contracted().isEmpty()
          ? "none" : "all") + " of the weight's axes: not a matrix product");
    }
    return e;
  }
}
