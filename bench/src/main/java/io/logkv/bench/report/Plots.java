package io.logkv.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots with XChart. */
public final class Plots {
  private Plots() {}

  /**
   * Latency against percentile, one line per curve (percentile 0..100 to milliseconds). The x axis
   * is 1/(1-p) on a log scale, so 90, 99, 99.9 and 99.99 are evenly spaced, as in HdrHistogram's
   * own plots.
   */
  public static void percentiles(Path png, String title, Map<String, ? extends SortedMap<Double, Double>> curves)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(520).title(title)
        .xAxisTitle("percentile (log scale of 1/(1-p)): 1 = p0, 10 = p90, 100 = p99, 1000 = p99.9")
        .yAxisTitle("latency (ms, log scale)").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    for (Map.Entry<String, ? extends SortedMap<Double, Double>> e : curves.entrySet()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (Map.Entry<Double, Double> point : e.getValue().entrySet()) {
        double p = point.getKey() / 100.0;
        if (p >= 0.99999 || point.getValue().isNaN()) {
          continue;
        }
        x.add(1 / (1 - p));
        y.add(Math.max(0.001, point.getValue()));
      }
      if (!x.isEmpty()) {
        XYSeries s = chart.addSeries(e.getKey(), x, y);
        s.setMarker(SeriesMarkers.NONE);
      }
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** A histogram of nanoseconds as a curve of percentile (0..100) to milliseconds. */
  public static TreeMap<Double, Double> curve(Histogram h) {
    TreeMap<Double, Double> curve = new TreeMap<>();
    for (HistogramIterationValue v : h.percentiles(5)) {
      curve.put(v.getPercentileLevelIteratedTo(), v.getValueIteratedTo() / 1e6);
    }
    return curve;
  }

  /** Lines over a shared x axis (log scale), e.g. restart time against key count. */
  public static void lines(Path png, String title, String xTitle, String yTitle, List<Double> x,
      Map<String, List<Double>> series) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < x.size(); i++) {
        Double v = e.getValue().get(i);
        if (v != null && !v.isNaN()) {
          xs.add(x.get(i));
          ys.add(v);
        }
      }
      if (!xs.isEmpty()) {
        chart.addSeries(e.getKey(), xs, ys);
      }
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
