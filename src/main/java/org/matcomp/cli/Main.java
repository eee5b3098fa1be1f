package org.matcomp.cli;

import java.util.List;
import org.matcomp.compressor.Method;
import org.matcomp.python.PythonEnvironment;
import org.matcomp.spec.Methods;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code java -jar matcomp.jar <command>}: the CLI entry point. */
@Command(name = "matcomp", mixinStandardHelpOptions = true, version = "matcomp 0.1.0",
    description = "Matrix Compression Operator for TensorFlow Java: compress weight matrices by factoring them.",
    subcommands = {TrainCommand.class, FactorCommand.class, BenchCommand.class, InspectCommand.class,
        CompressCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    TensorFlowLogLevel.quietUnlessSet(); // before anything loads TensorFlow, which reads the level once
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // Bad input gets one clear line naming the culprit, not a stack trace.
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      Throwable cause = e;
      cmd.getErr().println("matcomp " + cmd.getCommandName() + ": " + describe(cause));
      if (System.getenv("MATCOMP_DEBUG") != null) {
        e.printStackTrace(cmd.getErr());
      }
      return cause instanceof IllegalArgumentException || cause instanceof java.io.IOException
          || cause instanceof PythonEnvironment.Missing ? 2 : 1;
    });
    cl.getSubcommands().values().forEach(Main::nameTheMethodsOfEachFlag);
    return cl;
  }

  /**
   * Appends to each method flag's help the methods that take it, read off {@link Methods#ALL}, so the help stays
   * true when a method is added.
   */
  private static void nameTheMethodsOfEachFlag(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    for (OptionSpec o : List.copyOf(spec.options())) {
      List<String> takers = Methods.ALL.stream().filter(m -> m.cliFlags().containsKey(o.longestName()))
          .map(Method::name).toList();
      if (takers.isEmpty()) {
        continue;
      }
      String[] description = o.description().clone();
      description[description.length - 1] += " [" + String.join(", ", takers) + "]";
      spec.remove(o);
      spec.addOption(o.toBuilder().description(description).build());
    }
  }

  /** One line: the message, its line breaks folded (a message from a library may span several). */
  static String describe(Throwable e) {
    String msg = e.getMessage();
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + msg;
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + msg;
    }
    return msg == null ? e.getClass().getSimpleName() : msg.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }
}
