package io.logkv.bench;

import io.logkv.cluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Clusters for the benchmarks. Nodes run from the production jar, {@code
 * store/target/logkv-store.jar}, as users run them, when it is there (the report is run from the
 * repository root after {@code mvn package}); else from this JVM's class path, which is larger
 * (it holds the broker) and makes a node start slower, and the report says which was used.
 */
final class Clusters {
  static final Path STORE_JAR = Path.of("store", "target", "logkv-store.jar");

  private Clusters() {}

  static LocalCluster.Builder builder() {
    LocalCluster.Builder b = LocalCluster.builder();
    return Files.isRegularFile(STORE_JAR) ? b.nodeJar(STORE_JAR) : b;
  }

  static String nodeRuntime() {
    return Files.isRegularFile(STORE_JAR)
        ? "`" + STORE_JAR + "` (the production jar)"
        : "the benchmark's own class path (store/target/logkv-store.jar was not found)";
  }
}
