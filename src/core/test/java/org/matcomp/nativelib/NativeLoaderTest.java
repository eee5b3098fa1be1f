package org.matcomp.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.matcomp.Requirements;

class NativeLoaderTest {

  static void requireLibrary() {
    Requirements.require(NativeLoader.isBuilt(), "matcomp's native library: " + NativeLoader.BUILD_HINT);
  }

  @Test
  void loadsOnceFromAPathNamedByTheLibraryContent() throws Exception {
    requireLibrary();
    NativeLoader.load();
    Path first = NativeLoader.loadedFrom();
    NativeLoader.load();
    assertEquals(first, NativeLoader.loadedFrom(), "a second load is a no-op");
    assertEquals(NativeLoader.FILE_NAME, first.getFileName().toString());
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(first)));
    assertEquals(hash.substring(0, 16), first.getParent().getFileName().toString());
  }

  @Test
  void otherPlatformsAreNamedInTheError() {
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> NativeLoader.requireSupported("macosx-arm64"));
    assertTrue(e.getMessage().contains("only for linux-x86_64, and this JVM runs on macosx-arm64"), e.getMessage());
  }

  /** The child JVM: loads the library, sets a variable through it, reports whether TensorFlow got mapped. */
  public static void main(String[] args) throws Exception {
    boolean set = ProcessEnvironment.setIfAbsent("MATCOMP_LOADER_TEST", "1");
    boolean again = ProcessEnvironment.setIfAbsent("MATCOMP_LOADER_TEST", "2");
    String maps = Files.readString(Path.of("/proc/self/maps"));
    System.out.println("set=" + set + " again=" + again);
    System.out.println("matcomp_mapped=" + maps.contains(NativeLoader.FILE_NAME));
    System.out.println("tensorflow_mapped=" + maps.contains("tensorflow"));
  }

  @Test
  void loadingTheLibraryDoesNotLoadTensorFlow() throws Exception {
    requireLibrary();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), NativeLoaderTest.class.getName());
    pb.environment().remove("MATCOMP_LOADER_TEST");
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("set=true again=false"), out);
    assertTrue(out.contains("matcomp_mapped=true"), out);
    assertTrue(out.contains("tensorflow_mapped=false"), out);
  }
}
