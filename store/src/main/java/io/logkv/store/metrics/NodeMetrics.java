package io.logkv.store.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.IntToDoubleFunction;

/** Metrics of one node, exposed at /metrics in the Prometheus text format. */
public final class NodeMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter requests;
  private final Histogram latency;

  public NodeMetrics() {
    requests =
        Counter.builder()
            .name("logkv_http_requests")
            .help("HTTP requests answered, by route and status")
            .labelNames("route", "status")
            .register(registry);
    latency =
        Histogram.builder()
            .name("logkv_http_request_duration_seconds")
            .help("Time from request start to response complete, by route and status")
            .labelNames("route", "status")
            .classicOnly()
            .classicUpperBounds(
                0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
  }

  /** Records one answered request; {@code nanos} from arrival to completion. */
  public void observeRequest(String route, int status, long nanos) {
    DataPoints p = dataPoints(route, status);
    p.count.inc();
    p.latency.observe(nanos / 1e9);
    requestsTotal.increment();
    if (status >= 500) {
      serverErrors.increment();
    } else if (status >= 400) {
      clientErrors.increment();
    }
  }

  private final java.util.concurrent.atomic.LongAdder requestsTotal = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder clientErrors = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder serverErrors = new java.util.concurrent.atomic.LongAdder();

  /** Requests answered since start: all of them, 4xx and 5xx; for /status and the status page's rates. */
  public java.util.Map<String, Long> requestTotals() {
    return java.util.Map.of("total", requestsTotal.sum(), "client_errors", clientErrors.sum(),
        "server_errors", serverErrors.sum());
  }

  /** A route and status's two series, looked up by label once and then kept: no lookup per request. */
  private record DataPoints(CounterDataPoint count, DistributionDataPoint latency) {}

  private final ConcurrentHashMap<String, DataPoints[]> byRoute = new ConcurrentHashMap<>();

  private DataPoints dataPoints(String route, int status) {
    DataPoints[] byStatus = byRoute.computeIfAbsent(route, r -> new DataPoints[600]);
    int slot = status >= 0 && status < 600 ? status : 0;
    DataPoints p = byStatus[slot];
    if (p == null) {
      String s = Integer.toString(status);
      p = new DataPoints(requests.labelValues(route, s), latency.labelValues(route, s));
      byStatus[slot] = p; // a racing thread may build the same pair: both point at the same series
    }
    return p;
  }

  /** A gauge read at scrape time. */
  public void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
  }

  /** A monotonic counter read at scrape time ({@code name} without the _total suffix). */
  public void counter(String name, String help, DoubleSupplier value) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
  }

  /** A gauge with one series per partition. */
  public void partitionGauge(String name, String help, int partitions, IntToDoubleFunction value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("partition")
        .callback(
            cb -> {
              for (int p = 0; p < partitions; p++) {
                cb.call(value.applyAsDouble(p), Integer.toString(p));
              }
            })
        .register(registry);
  }

  public String contentType() {
    return writer.getContentType();
  }

  /** The current values in the Prometheus text format. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("writing metrics to memory failed", e);
    }
    return out.toByteArray();
  }
}
