package org.matcomp.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Reads a file the user named, sorting what goes wrong: a missing file or one whose content is malformed is bad input
 * ({@link IllegalArgumentException}, exit 2); a file that exists but cannot be read (permission denied, an error the
 * operating system reports for the path) stays an {@link IOException} (exit 3).
 *
 * <p>The readers (Npy, the IDX and PTB readers) report malformed content as a plain IOException naming the file and
 * the defect, and the file system reports its failures as a {@link FileSystemException} naming the path; that
 * difference is what this sorts by. A bare read error with no path (EIO in the middle of a file) is therefore
 * reported as bad input, which at worst sends the user to a file that is really unreadable.
 */
final class InputFiles {
  /** Something that reads the input. */
  @FunctionalInterface
  interface Reader<T> {
    T read() throws IOException;
  }

  private InputFiles() {}

  static <T> T read(Reader<T> reader) throws IOException {
    try {
      return reader.read();
    } catch (NoSuchFileException | NotDirectoryException e) {
      throw new IllegalArgumentException(Main.describe(e), e);
    } catch (FileSystemException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalArgumentException(Main.describe(e), e);
    }
  }
}
