package org.matcomp.hostcallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.tensorflow.TensorFlow;

class NativeLibraryTest {

  @Test
  void loadsOnceFromAPathNamedByTheLibraryContent() throws Exception {
    NativeLibrary.load();
    Path first = NativeLibrary.loadedFrom();
    NativeLibrary.load();
    assertEquals(first, NativeLibrary.loadedFrom(), "a second load is a no-op");
    assertEquals("libmatcomp_native.so", first.getFileName().toString());
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(first)));
    assertEquals(hash.substring(0, 16), first.getParent().getFileName().toString());
    long registrations = TensorFlow.registeredOpList().getOpList().stream()
        .filter(op -> op.getName().equals(HostCallbackOp.OP_NAME)).count();
    assertEquals(1, registrations);
  }

  @Test
  void thisMachineIsTheShippedPlatform() {
    assertEquals(NativeLibrary.PLATFORM, NativeLibrary.currentPlatform());
  }

  @Test
  void otherPlatformsGetAClearErrorPointingToTheHostPath() {
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> NativeLibrary.requireSupported("macosx-arm64"));
    assertTrue(e.getMessage().contains("only for linux-x86_64, and this JVM runs on macosx-arm64"), e.getMessage());
    assertTrue(e.getMessage().contains("update_option 1, the host path"), e.getMessage());
  }
}
