package org.matcomp.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.matcomp.cluster.ClusterUnavailableException;
import org.matcomp.python.PythonEnvironment;

/**
 * What a matcomp exit status means, decided in one place: {@link #of} sorts a failure, {@link #HELP} lists the codes
 * in every command's {@code --help}, and README's "Exit codes" table says the same.
 *
 * <p>Bad input is an {@link IllegalArgumentException}: the validation everywhere throws it, and the CLI turns a
 * missing or malformed input file into one ({@link InputFiles}). An {@link IOException} that reaches the top is the
 * machine's, not the user's: writing an output failed (disk full, permission denied, a read-only or special file
 * system), or a file that exists could not be read.
 */
final class ExitCodes {
  static final int OK = 0;
  /** An internal failure: a bug, or TensorFlow failing where matcomp did not expect it. */
  static final int INTERNAL = 1;
  /** Bad usage or bad input: picocli's parse errors (its own code for them is also 2) and refused arguments. */
  static final int BAD_INPUT = 2;
  /** An I/O failure while writing outputs, or while reading a file that exists. */
  static final int IO = 3;

  /** For picocli's {@code exitCodeList}, in the order shown. */
  static final Map<String, String> HELP = help();

  private ExitCodes() {}

  private static Map<String, String> help() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(" " + OK, "done");
    m.put(" " + INTERNAL, "internal failure (a bug; MATCOMP_DEBUG=1 prints the stack trace)");
    m.put(" " + BAD_INPUT, "bad usage or input: an unknown or conflicting flag, a missing or malformed input file,"
        + " an output path that cannot be right, no Python environment, a cluster task that is not reachable");
    m.put(" " + IO, "I/O failure: an output could not be written (disk full, permission denied), or a file that"
        + " exists could not be read");
    return m;
  }

  /** The exit status for a command that threw {@code e}. */
  static int of(Throwable e) {
    if (e instanceof IllegalArgumentException || e instanceof PythonEnvironment.Missing
        || e instanceof InvalidProtocolBufferException || e instanceof ClusterUnavailableException) {
      // A protobuf that does not parse is always something the user gave: matcomp parses no file it wrote.
      return BAD_INPUT;
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      return IO;
    }
    return INTERNAL;
  }
}
