package org.matcomp.report;

import java.io.IOException;
import java.nio.file.Path;
import org.matcomp.io.WorkDirectory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sweep plot: test metric against compression ratio, one line per method (the kind of plot graph_compression's
 * CIFAR-10 and PTB results show). The dense baseline is drawn as a horizontal reference line.
 */
public final class SweepPlot {
  private SweepPlot() {}

  /** One point: a method's setting, its compression ratio and its metric. */
  public record Point(String method, String setting, double ratio, double metric) {}

  /** Writes a PNG to {@code file} (via a temp file and a move). */
  public static void write(Path file, String title, String metricName, List<Point> points) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle("compression ratio (dense bytes / compressed bytes)")
        .yAxisTitle(metricName).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setMarkerSize(8);
    Map<String, List<Point>> byMethod = new LinkedHashMap<>();
    for (Point p : points) {
      byMethod.computeIfAbsent(p.method(), k -> new ArrayList<>()).add(p);
    }
    double maxRatio = points.stream().mapToDouble(Point::ratio).max().orElse(1);
    for (Map.Entry<String, List<Point>> e : byMethod.entrySet()) {
      List<Point> ps = new ArrayList<>(e.getValue());
      ps.sort(Comparator.comparingDouble(Point::ratio));
      if (e.getKey().equals("none")) {
        double m = ps.get(0).metric();
        chart.addSeries("dense", new double[] {1, Math.max(2, maxRatio)}, new double[] {m, m})
            .setMarker(SeriesMarkers.NONE);
        continue;
      }
      chart.addSeries(e.getKey(), ps.stream().mapToDouble(Point::ratio).toArray(),
          ps.stream().mapToDouble(Point::metric).toArray());
    }
    Path abs = file.toAbsolutePath();
    try (WorkDirectory work = WorkDirectory.beside(abs, "plot " + abs)) {
      Path tmp = work.resolve("plot.png");
      BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
      work.commit(tmp, abs, true);
    }
  }
}
