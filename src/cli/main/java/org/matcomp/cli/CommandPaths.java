package org.matcomp.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every path one command reads and writes, checked against each other before any work is done: an output that is an
 * input, lies inside an input directory (the same file, through a symlink, or by a relative path that resolves
 * there), or would replace a directory holding an input is refused; so is an output of the wrong kind (a report path
 * that is a directory, an output directory that is a file) or one whose parent cannot be written. Outputs may not
 * coincide or nest either, since each is written and replaced as a whole.
 *
 * <p>The messages name the option and the path, so a refusal is one line the user can act on. A path that can never
 * be right (an output inside an input, under a regular file, of the wrong kind) is bad usage, an
 * IllegalArgumentException (exit 2); a parent directory the process may not write in is the machine's refusal, an
 * AccessDeniedException (exit 3), as it would be if the write were tried.
 */
final class CommandPaths {
  private enum Kind { INPUT, OUTPUT_FILE, OUTPUT_DIR }

  private record Entry(String label, Path path, Kind kind) {
    boolean output() {
      return kind != Kind.INPUT;
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  /** A file or directory the command only reads (null: not given). */
  CommandPaths input(String label, Path p) {
    return add(label, p, Kind.INPUT);
  }

  /** A file the command writes or replaces (null: not given). */
  CommandPaths outputFile(String label, Path p) {
    return add(label, p, Kind.OUTPUT_FILE);
  }

  /** A directory the command creates or replaces as a whole (null: not given). */
  CommandPaths outputDir(String label, Path p) {
    return add(label, p, Kind.OUTPUT_DIR);
  }

  private CommandPaths add(String label, Path p, Kind kind) {
    if (p != null) {
      entries.add(new Entry(label, p, kind));
    }
    return this;
  }

  /** Throws IllegalArgumentException naming the first conflict, AccessDeniedException for an unwritable parent. */
  void check() throws IOException {
    for (Entry o : entries) {
      if (o.output()) {
        checkKind(o);
      }
    }
    for (int a = 0; a < entries.size(); a++) {
      Entry o = entries.get(a);
      if (!o.output()) {
        continue;
      }
      Path out = resolved(o.path());
      for (int b = 0; b < entries.size(); b++) {
        Entry other = entries.get(b);
        if (b == a || (other.output() && b < a)) {
          continue;
        }
        Path p = resolved(other.path());
        if (!other.output()) {
          checkAgainstInput(o, out, other, p);
        } else if (out.equals(p)) {
          throw refuse("%s %s and %s %s are the same path", o.label(), o.path(), other.label(), other.path());
        } else if (out.startsWith(p) || p.startsWith(out)) {
          Entry inner = out.startsWith(p) ? o : other;
          Entry outer = inner == o ? other : o;
          throw refuse("%s %s is inside %s %s; outputs are written whole and must not nest", inner.label(),
              inner.path(), outer.label(), outer.path());
        }
      }
    }
  }

  private static void checkAgainstInput(Entry o, Path out, Entry in, Path input) throws IOException {
    if (!Files.exists(in.path())) {
      return; // the command names a missing input itself
    }
    boolean same = out.equals(input) || (Files.exists(o.path()) && Files.isSameFile(o.path(), in.path()));
    if (same) {
      throw refuse("%s %s is the input %s %s; inputs are never overwritten", o.label(), o.path(), in.label(),
          in.path());
    }
    if (out.startsWith(input)) {
      throw refuse("%s %s is inside %s %s, which is only read", o.label(), o.path(), in.label(), in.path());
    }
    if (o.kind() == Kind.OUTPUT_DIR && input.startsWith(out)) {
      throw refuse("%s %s holds %s %s, and would be replaced", o.label(), o.path(), in.label(), in.path());
    }
  }

  private static void checkKind(Entry o) throws IOException {
    Path p = o.path();
    if (o.kind() == Kind.OUTPUT_FILE && Files.isDirectory(p)) {
      throw refuse("%s %s is a directory; give the path of a file", o.label(), p);
    }
    if (o.kind() == Kind.OUTPUT_DIR && Files.exists(p) && !Files.isDirectory(p)) {
      throw refuse("%s %s exists and is not a directory", o.label(), p);
    }
    Path ancestor = p.toAbsolutePath().normalize().getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null) {
      return;
    }
    if (!Files.isDirectory(ancestor)) {
      throw refuse("%s %s cannot be created: %s is not a directory", o.label(), p, ancestor);
    }
    if (!Files.isWritable(ancestor)) {
      throw new AccessDeniedException(o.label() + " " + p, null, "cannot be written: no permission to write in "
          + ancestor);
    }
  }

  /** The absolute path with its existing part resolved through symlinks, so aliases of one file compare equal. */
  static Path resolved(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    Path rest = abs.getFileSystem().getPath("");
    while (existing != null && !Files.exists(existing)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    return existing == null ? abs : existing.toRealPath().resolve(rest).normalize();
  }

  private static IllegalArgumentException refuse(String format, Object... args) {
    return new IllegalArgumentException(String.format(format, args));
  }

}
