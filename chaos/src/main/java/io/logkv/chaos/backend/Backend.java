package io.logkv.chaos.backend;

import java.util.Locale;

/** Starts clusters for chaos runs; pick one with {@link #fromSystemProperty()}. */
public interface Backend {

  /** The system property that names the backend. */
  String PROPERTY = "chaos.backend";

  /** Starts a cluster and waits until every node and the balancer answer. */
  ChaosCluster start(ClusterSpec spec);

  /** Its name, as given in {@value #PROPERTY}. */
  String name();

  /** Child processes on 127.0.0.1 through the cluster library. */
  static Backend local() {
    return new LocalBackend();
  }

  /** The backend named by {@code -Dchaos.backend} ({@code local} when unset). */
  static Backend fromSystemProperty() {
    return named(System.getProperty(PROPERTY, "local"));
  }

  /**
   * The backend called {@code name}.
   *
   * @throws IllegalArgumentException for {@code docker}, which is not built yet, and for any
   *     unknown name: a run must never pass on a backend that did not run
   */
  static Backend named(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "local" -> local();
      case "docker" -> throw new IllegalArgumentException(
          "-D" + PROPERTY + "=docker: the Docker backend (Testcontainers) is not implemented in this"
              + " build yet; run without the property, or with -D" + PROPERTY + "=local");
      default -> throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + name + ": unknown backend; the choices are local (default) and"
              + " docker (not implemented yet)");
    };
  }
}
