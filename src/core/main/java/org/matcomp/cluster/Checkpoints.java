package org.matcomp.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.tensorflow.Session;

/**
 * The chief's checkpoints in a shared directory: {@code ckpt-STEP.*} written by the session's saver, then the file
 * {@code latest} naming it, replaced in one move, so a reader sees the previous complete checkpoint or the new one.
 * The two newest are kept.
 */
public final class Checkpoints {
  private static final String LATEST = "latest";

  private final Path dir;

  public Checkpoints(Path dir) {
    this.dir = dir;
  }

  /** The newest complete checkpoint: its prefix and the global step it holds. */
  public record Saved(Path prefix, long step) {}

  public Optional<Saved> latest() {
    Path f = dir.resolve(LATEST);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      String[] parts = Files.readString(f).strip().split("\\s+");
      return Optional.of(new Saved(dir.resolve(parts[0]), Long.parseLong(parts[1])));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("checkpoint pointer " + f + " is not 'NAME STEP': " + e.getMessage());
    }
  }

  /** Saves every variable of {@code session}'s graph as of {@code step}, then points {@code latest} at it. */
  public Saved save(Session session, long step) {
    try {
      Files.createDirectories(dir);
      String name = "ckpt-" + step;
      Optional<Saved> previous = latest();
      session.save(dir.resolve(name).toString());
      Path temp = Files.createTempFile(dir, LATEST, ".tmp");
      Files.writeString(temp, name + " " + step + "\n");
      Files.move(temp, dir.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      previous.ifPresent(p -> deleteOlderThan(p.step()));
      return new Saved(dir.resolve(name), step);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint to " + dir, e);
    }
  }

  /** Removes the checkpoints older than {@code keep}'s step (the one before the newest stays). */
  private void deleteOlderThan(long keep) {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith("ckpt-")) {
          String step = n.substring(5, n.contains(".") ? n.indexOf('.') : n.length());
          if (step.matches("\\d+") && Long.parseLong(step) < keep) {
            Files.deleteIfExists(p);
          }
        }
      }
    } catch (IOException e) {
      // an old checkpoint left behind costs disk, not correctness
    }
  }
}
