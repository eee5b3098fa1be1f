package org.matcomp.cli;

import java.util.List;
import org.matcomp.compressor.Method;
import org.matcomp.spec.Methods;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar matcomp.jar <command>}: the CLI entry point.
 *
 * <p>Streams: a command's results go to stdout, everything else — progress, warnings, notes, errors — to stderr,
 * both through picocli's writers ({@code spec.commandLine().getOut()} / {@code getErr()}), never {@code System.out}
 * directly, so a caller (or a test) that sets the writers gets all of it. Exit statuses: {@link ExitCodes}.
 */
@Command(name = "matcomp", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Matrix Compression Operator for TensorFlow Java: compress weight matrices by factoring them.",
    subcommands = {TrainCommand.class, FactorCommand.class, BenchCommand.class, InspectCommand.class,
        CompressCommand.class, FinetuneCommand.class, ClusterCommand.class, ExperimentsCommand.class})
public final class Main implements Runnable {
  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    TensorFlowLogLevel.quietUnlessSet(); // before anything loads TensorFlow, which reads the level once
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // Any failure gets one clear line naming the culprit, not a stack trace; the status says which kind it was.
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      int code = ExitCodes.of(e);
      cmd.getErr().println("matcomp " + cmd.getCommandName() + ": " + describe(e)
          + (code == ExitCodes.INTERNAL ? " (internal error " + e.getClass().getSimpleName()
              + "; MATCOMP_DEBUG=1 prints the stack trace)" : ""));
      if (System.getenv("MATCOMP_DEBUG") != null) {
        e.printStackTrace(cmd.getErr());
      }
      cmd.getErr().flush();
      return code;
    });
    // picocli's default strategy (RunLast) remembers System.out as it was when the command line was built, and if
    // System.out has been replaced since, execute() points the writers back at the old stream, dropping a writer
    // the caller set. A strategy that is no picocli handler is left alone.
    cl.setExecutionStrategy(parsed -> new CommandLine.RunLast().execute(parsed));
    cl.getSubcommands().values().forEach(Main::nameTheMethodsOfEachFlag);
    listExitCodes(cl);
    return cl;
  }

  /** Every command's --help ends with the exit statuses, from {@link ExitCodes#HELP}. */
  private static void listExitCodes(CommandLine command) {
    command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.HELP);
    command.getSubcommands().values().forEach(Main::listExitCodes);
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

  /**
   * One line: the message, its line breaks folded (a message from a library may span several). A file-system
   * exception from the JDK carries only the path, so the kind of failure is named before it.
   */
  static String describe(Throwable e) {
    String msg = e.getMessage();
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() == null) {
      String kind = e instanceof java.nio.file.NoSuchFileException ? "no such file"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
          : e instanceof java.nio.file.NotDirectoryException ? "not a directory"
          : e instanceof java.nio.file.DirectoryNotEmptyException ? "directory not empty" : null;
      if (kind != null) {
        msg = kind + ": " + msg;
      }
    }
    return msg == null ? e.getClass().getSimpleName() : msg.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** {@code matcomp} alone is a usage error: the usage goes to stderr, the status is 2. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
