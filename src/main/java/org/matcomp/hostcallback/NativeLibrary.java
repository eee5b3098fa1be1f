package org.matcomp.hostcallback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.OpList;

/**
 * Loads matcomp's native library ({@code libmatcomp_native.so}: the {@code MatcompHostCallback} op, its CPU kernel
 * and the JNI bridge) exactly once per process.
 *
 * <p>The order matters and is fixed: TF's own native library first ({@code TensorFlow.version()}), then
 * {@code TensorFlow.loadLibrary} (its dlopen runs our constructor, which registers op and kernel; loading it after
 * {@code System.load} breaks TF's OpList parsing), then {@code System.load} on the same path (binds the natives to
 * this class loader), then {@code nInit}. A second copy of the library at another path would register the kernel
 * twice, after which every node fails with "Multiple OpKernel registrations": hence one extraction path per library
 * content, and a refusal to load when another class loader has already registered the op.
 *
 * <p>Only linux-x86_64 is built. Elsewhere {@link #load()} throws {@link UnsupportedOperationException}; everything
 * that does not run Java inside the graph (update_option 1, the host path) works without this library.
 */
public final class NativeLibrary {
  /** The platform matcomp ships a native library for. */
  public static final String PLATFORM = "linux-x86_64";

  static final String FILE_NAME = "libmatcomp_native.so";
  private static final String RESOURCE = "/org/matcomp/native/" + PLATFORM + "/" + FILE_NAME;
  /** Must equal MATCOMP_NATIVE_ABI_VERSION in native/host_call.h. */
  private static final int ABI_VERSION = 1;
  /** Overrides where the library is extracted (default: a per-user directory under java.io.tmpdir). */
  public static final String DIR_PROPERTY = "matcomp.native.dir";

  private static Path loadedFrom;
  private static RuntimeException failure;

  private NativeLibrary() {}

  /**
   * Makes the {@code MatcompHostCallback} op available to graphs and SavedModels in this process. Idempotent and
   * thread-safe; a failure is remembered and rethrown on later calls, since a half-done load cannot be retried.
   *
   * @throws UnsupportedOperationException on a platform other than linux-x86_64, or if the library is missing from
   *     the classpath
   * @throws IllegalStateException if loading fails
   */
  public static synchronized void load() {
    if (loadedFrom != null) {
      return;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      loadedFrom = doLoad();
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
  }

  /** Whether {@link #load()} has succeeded in this class loader. */
  public static synchronized boolean isLoaded() {
    return loadedFrom != null;
  }

  /** The file the library was loaded from; for diagnostics. */
  public static synchronized Path loadedFrom() {
    if (loadedFrom == null) {
      throw new IllegalStateException("the matcomp native library is not loaded");
    }
    return loadedFrom;
  }

  /** {@code os-arch} of this JVM in matcomp's naming, e.g. linux-x86_64. */
  public static String currentPlatform() {
    String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
    String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx"
        : os.startsWith("windows") ? "windows" : os.replace(' ', '_');
    String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
        : arch.equals("aarch64") ? "arm64" : arch;
    return osName + "-" + archName;
  }

  private static Path doLoad() {
    requireSupported(currentPlatform());
    byte[] library = readResource();
    TensorFlow.version(); // loads TF's native libraries, which ours links against by soname
    if (hasOp(TensorFlow.registeredOpList())) {
      throw new IllegalStateException(HostCallbackOp.OP_NAME + " is already registered in this process by another"
          + " copy of matcomp (another class loader?). The native library can serve one class loader only: put"
          + " matcomp on a class loader shared by all its users.");
    }
    Path path = extract(library);
    OpList ops = TensorFlow.loadLibrary(path.toString());
    if (!hasOp(ops)) {
      throw new IllegalStateException("TensorFlow loaded " + path + " but it registered no " + HostCallbackOp.OP_NAME
          + " op (see stderr for a matcomp_native message)");
    }
    System.load(path.toString());
    int abi = NativeBridge.nInit();
    if (abi != ABI_VERSION) {
      throw new IllegalStateException("native library " + path + " speaks protocol version " + abi + " but the Java"
          + " side expects " + ABI_VERSION + "; rebuild matcomp (mvn clean package)");
    }
    return path;
  }

  /**
   * Extracts another of matcomp's native files shipped beside this library ({@code fileName} in the same resource
   * directory), the same way and into the same private directory, without loading anything: for the CLI's helper
   * that must run before TensorFlow loads. Empty on other platforms or when the jar was built without it.
   */
  public static java.util.Optional<Path> extractCompanion(String fileName) {
    if (!PLATFORM.equals(currentPlatform())) {
      return java.util.Optional.empty();
    }
    try (InputStream in = NativeLibrary.class.getResourceAsStream("/org/matcomp/native/" + PLATFORM + "/" + fileName)) {
      return in == null ? java.util.Optional.empty() : java.util.Optional.of(extract(in.readAllBytes(), fileName));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the native file " + fileName, e);
    }
  }

  static void requireSupported(String platform) {
    if (!PLATFORM.equals(platform)) {
      throw unavailable("matcomp ships its native library only for " + PLATFORM + ", and this JVM runs on " + platform);
    }
  }

  private static boolean hasOp(OpList ops) {
    for (OpDef op : ops.getOpList()) {
      if (op.getName().equals(HostCallbackOp.OP_NAME)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] readResource() {
    try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw unavailable("the native library " + RESOURCE + " is not on the classpath (was matcomp built with the"
            + " native profile, i.e. on linux-x86_64 with gcc and make?)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static UnsupportedOperationException unavailable(String why) {
    return new UnsupportedOperationException(why + ". In-graph host callbacks (" + HostCallbackOp.OP_NAME
        + ", used by update_option 0 and 2) are therefore unavailable; update_option 1, the host path that"
        + " factorises between Session.run calls, works on every platform.");
  }

  /**
   * Writes the library to {@code <dir>/<content hash>/libmatcomp_native.so} unless an identical file is there. The
   * path is stable for a given library, so every load in this process (and in others) names the same file.
   */
  private static Path extract(byte[] library) {
    return extract(library, FILE_NAME);
  }

  private static Path extract(byte[] library, String fileName) {
    String hash = sha256(library).substring(0, 16);
    Path dir = baseDirectory().resolve(hash);
    Path target = dir.resolve(fileName);
    try {
      createPrivateDirectories(dir);
      if (Files.isRegularFile(target) && sha256(Files.readAllBytes(target)).startsWith(hash)) {
        return target;
      }
      Path temp = Files.createTempFile(dir, fileName, ".tmp");
      try {
        Files.write(temp, library);
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the matcomp native library to " + target + " (set -D"
          + DIR_PROPERTY + "=<writable directory>)", e);
    }
  }

  private static Path baseDirectory() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured);
    }
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    return Paths.get(System.getProperty("java.io.tmpdir"), "matcomp-native-" + user);
  }

  /**
   * Creates {@code dir} (and its parent) owner-only, and refuses directories others can write to: a library another
   * user could replace before we load it would run their code in this JVM.
   */
  private static void createPrivateDirectories(Path dir) throws IOException {
    Path parent = dir.getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      if (parent != null && !Files.isDirectory(parent)) {
        createPrivateDirectories(parent);
      }
      try {
        if (posix) {
          Files.createDirectory(dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectory(dir);
        }
      } catch (FileAlreadyExistsException e) {
        // another process or thread created it first; checked below like any existing directory
      }
    }
    if (posix) {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
      if (permissions.contains(PosixFilePermission.GROUP_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IOException(dir + " is writable by other users (" + PosixFilePermissions.toString(permissions)
            + "); refusing to load native code from it");
      }
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
