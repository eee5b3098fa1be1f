package org.matcomp.compressor;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The fixed facts of a {@link Method} — names, option code, description, hparam keys, CLI flags — held as values,
 * so that a method's own class says only what is particular to it: how its parameters are read, its compressor and
 * its product rule.
 */
public abstract class BaseMethod implements Method {
  private final String name;
  private final OptionalInt optionCode;
  private final String description;
  private final Set<String> hparamKeys;
  private final Map<String, String> cliFlags;

  protected BaseMethod(String name, OptionalInt optionCode, String description, Set<String> hparamKeys,
      Map<String, String> cliFlags) {
    this.name = name;
    this.optionCode = optionCode;
    this.description = description;
    this.hparamKeys = Set.copyOf(hparamKeys);
    this.cliFlags = Map.copyOf(cliFlags);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final OptionalInt optionCode() {
    return optionCode;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final Set<String> hparamKeys() {
    return hparamKeys;
  }

  @Override
  public final Map<String, String> cliFlags() {
    return cliFlags;
  }

  @Override
  public final String toString() {
    return name;
  }
}
