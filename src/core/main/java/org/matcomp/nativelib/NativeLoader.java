package org.matcomp.nativelib;

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

/**
 * Loads matcomp's native library, {@code libmatcomp_native.so}, once per class loader, without loading TensorFlow.
 *
 * <p>The library holds the dictionary kernels ({@code compressor.dictionary.NativeKernels}), the CLI's setenv
 * ({@link ProcessEnvironment}) and the {@code MatcompHostCallback} op with its JNI bridge. It has no link-time
 * dependency on TensorFlow: the op reaches TensorFlow's C API only when {@code hostcallback.NativeLibrary} registers
 * it, after TF Java has loaded TensorFlow. So a compressor used outside a TF graph starts without TensorFlow's second
 * of loading, and this class imports nothing from {@code org.tensorflow}.
 *
 * <p>The library is extracted from the jar to {@code <dir>/<content hash>/libmatcomp_native.so} (a stable path: every
 * load of the same library in this process, and in others, names the same file) in an owner-only directory, then
 * {@code System.load}ed. Only linux-x86_64 is built.
 */
public final class NativeLoader {
  /** The platform matcomp ships a native library for. */
  public static final String PLATFORM = "linux-x86_64";
  /** The library's file name in the jar and on disk. */
  public static final String FILE_NAME = "libmatcomp_native.so";
  /** How to get the library where {@link #isBuilt()} is false. */
  public static final String BUILD_HINT =
      "build matcomp on " + PLATFORM + " with gcc and make, and without -Dmatcomp.native.skip";
  /** Overrides where the library is extracted (default: a per-user directory under java.io.tmpdir). */
  public static final String DIR_PROPERTY = "matcomp.native.dir";

  private static final String RESOURCE = "/org/matcomp/native/" + PLATFORM + "/" + FILE_NAME;

  private static Path loadedFrom;
  private static RuntimeException failure;

  private NativeLoader() {}

  /**
   * Loads the library if it is not loaded yet. Idempotent and thread-safe; a failure is remembered and rethrown on
   * later calls, since a half-done load (the library in the process, its protocol wrong) cannot be retried.
   *
   * @throws UnsupportedOperationException on a platform other than linux-x86_64, or if the jar was built without
   *     the library
   * @throws IllegalStateException if the library cannot be extracted or loaded, or speaks another protocol version
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
    } catch (UnsatisfiedLinkError e) {
      // e.g. the same file already loaded by another class loader: the JVM binds a library to one loader only
      failure = new IllegalStateException("cannot load matcomp's native library: " + e.getMessage(), e);
      throw failure;
    }
  }

  /**
   * Whether matcomp ships the library for this JVM's platform and this build holds it (it does unless built elsewhere
   * or with {@code -Dmatcomp.native.skip}); {@link #load()} can still fail, e.g. on an unwritable directory.
   */
  public static boolean isBuilt() {
    return PLATFORM.equals(currentPlatform()) && NativeLoader.class.getResource(RESOURCE) != null;
  }

  /** Whether {@link #load()} has succeeded in this class loader. */
  public static synchronized boolean isLoaded() {
    return loadedFrom != null;
  }

  /** The file the library was loaded from; for diagnostics. */
  public static synchronized Path loadedFrom() {
    if (loadedFrom == null) {
      throw new IllegalStateException("matcomp's native library is not loaded");
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

  /**
   * @throws UnsupportedOperationException unless {@code platform} is the one matcomp builds its library for
   */
  public static void requireSupported(String platform) {
    if (!PLATFORM.equals(platform)) {
      throw new UnsupportedOperationException(
          "matcomp ships its native library only for " + PLATFORM + ", and this JVM runs on " + platform);
    }
  }

  private static Path doLoad() {
    requireSupported(currentPlatform());
    Path path = extract(readResource());
    System.load(path.toString());
    int abi = nAbiVersion();
    if (abi != NativeAbi.ABI_VERSION) {
      throw new IllegalStateException("native library " + path + " speaks protocol version " + abi + " but the Java"
          + " side expects " + NativeAbi.ABI_VERSION + "; rebuild matcomp (mvn clean package)");
    }
    return path;
  }

  private static native int nAbiVersion();

  private static byte[] readResource() {
    try (InputStream in = NativeLoader.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new UnsupportedOperationException("the native library " + RESOURCE + " is not on the classpath ("
            + BUILD_HINT + ")");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Writes the library to {@code <dir>/<content hash>/libmatcomp_native.so} unless an identical file is there. */
  private static Path extract(byte[] library) {
    String hash = sha256(library).substring(0, 16);
    Path dir = baseDirectory().resolve(hash);
    Path target = dir.resolve(FILE_NAME);
    try {
      createPrivateDirectories(dir);
      if (Files.isRegularFile(target) && sha256(Files.readAllBytes(target)).startsWith(hash)) {
        return target;
      }
      Path temp = Files.createTempFile(dir, FILE_NAME, ".tmp");
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
      throw new IllegalStateException("cannot extract matcomp's native library to " + target + " (set -D"
          + DIR_PROPERTY + "=<writable directory>): " + e, e);
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
