package org.matcomp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until written below. */
@Command(name = "factor")
final class FactorCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
