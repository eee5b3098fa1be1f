package org.matcomp.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the sparse text MNIST subset in the shared test data: one example per line,
 * {@code label<TAB>featureCount<TAB>index:value<TAB>...} with 0-based pixel indices and raw values 0..255. Absent
 * pixels are 0. Values are kept raw; callers scale (e.g. {@code dataset.scaled(1f / 255)}).
 */
public final class MnistTinyText {
  /** The 115-example file, relative to the project root (the working directory of tests and the CLI). */
  public static final Path DEFAULT_PATH = Path.of("../shared/testdata/data/mnist/MNIST.Test.tiny.txt");

  private MnistTinyText() {}

  public static Dataset read(Path file) throws IOException {
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int featureCount = -1;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.strip().split("\t");
        if (f.length < 2) {
          throw bad(file, lineNo, "expected label<TAB>featureCount<TAB>index:value..., got " + abbreviate(line));
        }
        int label = parseInt(file, lineNo, f[0], "label");
        int count = parseInt(file, lineNo, f[1], "feature count");
        if (count <= 0) {
          throw bad(file, lineNo, "feature count " + count + " must be positive");
        }
        if (featureCount < 0) {
          featureCount = count;
        } else if (count != featureCount) {
          throw bad(file, lineNo, "feature count " + count + " differs from the first line's " + featureCount);
        }
        float[] row = new float[count];
        for (int k = 2; k < f.length; k++) {
          int colon = f[k].indexOf(':');
          if (colon < 0) {
            throw bad(file, lineNo, "entry '" + f[k] + "' is not index:value");
          }
          int index = parseInt(file, lineNo, f[k].substring(0, colon), "pixel index");
          if (index < 0 || index >= count) {
            throw bad(file, lineNo, "pixel index " + index + " outside [0, " + count + ")");
          }
          float value;
          try {
            value = Float.parseFloat(f[k].substring(colon + 1));
          } catch (NumberFormatException e) {
            throw bad(file, lineNo, "pixel value '" + f[k].substring(colon + 1) + "' is not a number");
          }
          if (!Float.isFinite(value)) {
            throw bad(file, lineNo, "pixel " + index + " has non-finite value " + value);
          }
          row[index] = value;
        }
        rows.add(row);
        labels.add(label);
      }
    }
    if (rows.isEmpty()) {
      throw new IOException(file + ": no examples");
    }
    float[] x = new float[rows.size() * featureCount];
    int[] y = new int[rows.size()];
    for (int i = 0; i < y.length; i++) {
      System.arraycopy(rows.get(i), 0, x, i * featureCount, featureCount);
      y[i] = labels.get(i);
    }
    return Dataset.adopt(x, y, featureCount);
  }

  private static int parseInt(Path file, int lineNo, String s, String what) throws IOException {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw bad(file, lineNo, what + " '" + s + "' is not an integer");
    }
  }

  private static IOException bad(Path file, int lineNo, String what) {
    return new IOException(file + ":" + lineNo + ": " + what);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
