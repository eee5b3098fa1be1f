package org.matcomp.spec;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code --layers} rule, one for {@code train} and {@code compress}: a regular expression searched in each
 * matrix's name (a match anywhere in the name selects it), which must select at least one matrix — a pattern that
 * selects nothing is a typo, never a request to compress nothing.
 */
public final class LayerPattern {
  private LayerPattern() {}

  /** Compiles {@code regex}; a syntax error is one line naming the option, the pattern and what is wrong. */
  public static Pattern compile(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      // Java's own message spans three lines (description, pattern, caret).
      throw new IllegalArgumentException(String.format("--layers '%s' is not a valid regular expression: %s%s", regex,
          e.getDescription(), e.getIndex() >= 0 ? " at index " + e.getIndex() : ""), e);
    }
  }

  /** Whether {@code pattern} selects the matrix called {@code name}. */
  public static boolean selects(Pattern pattern, String name) {
    return pattern.matcher(name).find();
  }

  /** The items whose names {@code pattern} selects; refuses a pattern that selects none of them. */
  public static <T> List<T> select(Pattern pattern, List<T> items, Function<T, String> name) {
    List<T> hit = items.stream().filter(i -> selects(pattern, name.apply(i))).toList();
    if (hit.isEmpty()) {
      throw new IllegalArgumentException("--layers '" + pattern.pattern() + "' matches none of the weight matrices "
          + items.stream().map(name).toList());
    }
    return hit;
  }
}
