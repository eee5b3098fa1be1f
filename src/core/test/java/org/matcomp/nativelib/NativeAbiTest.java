package org.matcomp.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeAbi} is {@code native/matcomp_native.h}, read by Java: same names (without {@code MATCOMP_}), same
 * values, nothing on one side only. Nobody keeps the two in step by hand.
 */
class NativeAbiTest {
  private static final Path HEADER = Path.of("native", "matcomp_native.h");
  private static final Pattern DEFINE =
      Pattern.compile("(?m)^#define\\s+MATCOMP_(\\w+)\\s+(-?\\d+|\"[^\"\\\\]*\")\\s*$");
  private static final Pattern ANY_DEFINE = Pattern.compile("(?m)^#define\\s+(\\w+)");

  /** The header's definitions, name (without MATCOMP_) to value (Integer or String). */
  private static Map<String, Object> header() throws Exception {
    String text = Files.readString(HEADER);
    Map<String, Object> values = new TreeMap<>();
    Matcher m = DEFINE.matcher(text);
    while (m.find()) {
      String v = m.group(2);
      values.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : (Object) Integer.valueOf(v));
    }
    // Every other #define is the include guard; anything else would escape the comparison below.
    Matcher any = ANY_DEFINE.matcher(text);
    while (any.find()) {
      String name = any.group(1);
      assertTrue(name.equals("MATCOMP_NATIVE_H_") || values.containsKey(name.replaceFirst("^MATCOMP_", "")),
          HEADER + ": #define " + name + " is not of the form `#define MATCOMP_<NAME> <integer or \"string\">`,"
              + " so NativeAbi cannot mirror it");
    }
    return values;
  }

  /** NativeAbi's public constants, name to value. */
  private static Map<String, Object> mirror() throws Exception {
    Map<String, Object> values = new TreeMap<>();
    for (Field f : NativeAbi.class.getDeclaredFields()) {
      int mod = f.getModifiers();
      if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && Modifier.isPublic(mod)) {
        values.put(f.getName(), f.get(null));
      }
    }
    return values;
  }

  @Test
  void nativeAbiMirrorsTheHeaderBothWays() throws Exception {
    Map<String, Object> header = header();
    assertTrue(header.containsKey("ABI_VERSION") && header.containsKey("OP_NAME"),
        "cannot read " + HEADER + ": " + header);
    assertEquals(header, mirror(), "NativeAbi must mirror " + HEADER + " exactly (MATCOMP_X there is X here)");
  }

  @Test
  void theLoadedLibrarySpeaksTheHeadersVersion() {
    NativeLoaderTest.requireLibrary();
    NativeLoader.load(); // throws unless nAbiVersion() == NativeAbi.ABI_VERSION
    assertTrue(NativeLoader.isLoaded());
  }
}
