package org.matcomp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code matcomp --version}: the version the POM gives, written into {@code version.properties} when Maven copies the
 * resources, so the number lives in one place.
 */
final class Version implements IVersionProvider {
  static final String RESOURCE = "version.properties";

  /** The POM's version, e.g. "0.1.0-SNAPSHOT". */
  static String number() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the CLI jar; rebuild it with Maven");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"matcomp " + number()};
  }
}
