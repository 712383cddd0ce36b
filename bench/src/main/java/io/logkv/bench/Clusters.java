package io.logkv.bench;

import io.logkv.cluster.LocalCluster;
import io.logkv.kafkalocal.ChildProcess;
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

  /** The class path a node runs on: the production jar (with ParentWatch), or null for this JVM's own. */
  static String nodeClassPath() {
    return Files.isRegularFile(STORE_JAR)
        ? STORE_JAR.toAbsolutePath() + java.io.File.pathSeparator + ChildProcess.parentWatchLocation()
        : null;
  }

  static String nodeRuntime() {
    return Files.isRegularFile(STORE_JAR)
        ? "`" + STORE_JAR + "` (the production jar)"
        : "the benchmark's own class path (store/target/logkv-store.jar was not found)";
  }
}
