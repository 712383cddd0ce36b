package io.logkv.chaos.report;

import io.logkv.chaos.history.FaultEvent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a scenario's timeline as one PNG: throughput on top, p99 latency below, on the same time
 * axis, each fault window shaded in both.
 */
public final class TimelineChart {
  private static final Color[] FAULT_COLORS = {
      new Color(220, 40, 40, 50), new Color(240, 150, 0, 60), new Color(120, 60, 200, 50), new Color(0, 150, 150, 50)};

  private TimelineChart() {}

  public static void write(String title, Timeline timeline, List<FaultEvent> faults, long originNanos, Path png) {
    List<Double> x = new ArrayList<>();
    List<Double> ok = new ArrayList<>();
    List<Double> px = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    double maxOk = 1;
    double maxP99 = 1;
    for (Timeline.Bucket b : timeline.buckets()) {
      x.add(b.startSeconds());
      ok.add(b.okPerSecond());
      maxOk = Math.max(maxOk, b.okPerSecond());
      // A bucket where nothing completed has no point: a hang shows as a gap, then one high point.
      if (!Double.isNaN(b.p99Millis())) {
        px.add(b.startSeconds());
        p99.add(b.p99Millis());
        maxP99 = Math.max(maxP99, b.p99Millis());
      }
    }
    XYChart top = chart(title + ": OK operations per second (per " + timeline.bucketMillis() + " ms)", "ops/s");
    XYChart bottom = chart("p99 latency of completed operations (per " + timeline.bucketMillis() + " ms)", "ms");
    shadeFaults(top, faults, originNanos, maxOk * 1.05);
    shadeFaults(bottom, faults, originNanos, maxP99 * 1.05);
    line(top, "OK ops/s", x, ok, new Color(30, 90, 200));
    if (px.isEmpty()) {
      px.add(0.0);
      p99.add(0.0);
    }
    XYSeries p = line(bottom, "p99 ms (no point: nothing completed)", px, p99, new Color(20, 140, 60));
    p.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    p.setMarker(SeriesMarkers.CIRCLE);
    p.setMarkerColor(new Color(20, 140, 60));
    bottom.getStyler().setMarkerSize(5);
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      BitmapEncoder.saveBitmap(List.of(top, bottom), 2, 1, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the timeline " + png + " failed", e);
    }
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart c = new XYChartBuilder().width(1100).height(400).title(title).xAxisTitle("seconds").yAxisTitle(yTitle).build();
    Styler s = c.getStyler();
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setChartBackgroundColor(Color.WHITE);
    c.getStyler().setXAxisMin(0.0);
    return c;
  }

  private static XYSeries line(XYChart c, String name, List<Double> x, List<Double> y, Color color) {
    XYSeries s = c.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(new BasicStroke(1.6f));
    return s;
  }

  private static void shadeFaults(XYChart c, List<FaultEvent> faults, long originNanos, double height) {
    int i = 0;
    for (FaultEvent f : faults) {
      double from = (f.startNanos() - originNanos) / 1e9;
      double to = Math.max(from + 0.05, (f.stopNanos() - originNanos) / 1e9);
      XYSeries s = c.addSeries("fault: " + f.name() + (i > 0 ? " " : "").repeat(i),
          new double[] {from, from, to, to}, new double[] {0, height, height, 0});
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      s.setMarker(SeriesMarkers.NONE);
      Color color = FAULT_COLORS[i % FAULT_COLORS.length];
      s.setFillColor(color);
      s.setLineColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 160));
      i++;
    }
  }
}
