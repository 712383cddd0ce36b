package io.logkv.chaos.backend;

import java.util.Locale;
import java.util.Optional;

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
   * The backend called {@code name}: {@code local} or {@code docker}.
   *
   * @throws IllegalArgumentException for an unknown name: a run must never pass on a backend that
   *     did not run
   */
  static Backend named(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "local" -> local();
      case "docker" -> new DockerBackend();
      default -> throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + name + ": unknown backend; the choices are local (default) and docker");
    };
  }

  /**
   * Why this backend cannot run on this machine (no engine, images not built), or empty when it
   * can. A caller reports the reason and skips; it never counts the run as passed.
   */
  default Optional<String> unavailable() {
    return Optional.empty();
  }
}
