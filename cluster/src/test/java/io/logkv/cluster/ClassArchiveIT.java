package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logkv.kafkalocal.ChildProcess;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class archive a local cluster makes for its nodes: the first cluster's training node writes
 * it when it stops, and the next cluster's nodes start with it. The second start runs with {@code
 * -Xshare:on}, with which a JVM that cannot map the archive does not start at all: a node that
 * turns ready proves the archive was used, not merely passed.
 */
class ClassArchiveIT {
  private static final Path STORE_JAR = Path.of("..", "store", "target", "logkv-store.jar");

  @Test
  @Timeout(240)
  void theFirstClusterTrains_andTheNextStartsItsNodesFromTheArchive(@TempDir Path dir) throws Exception {
    assertThat(STORE_JAR).as("the node jar, built before this module").isRegularFile();
    // A copy of the jar of our own: its archive goes beside it, not beside the shared build's.
    Path jar = Files.copy(STORE_JAR, dir.resolve("logkv-store.jar"));
    ClassArchive archive = ClassArchive.forClassPath(
        jar.toAbsolutePath() + File.pathSeparator + ChildProcess.parentWatchLocation()).orElseThrow();
    assertThat(archive.exists()).isFalse();

    try (LocalCluster first = cluster(jar, dir.resolve("first"), List.of()).start()) {
      assertThat(status(first).get("ready").asBoolean()).isTrue();
    }
    assertThat(archive.exists()).as("written by the training node at its stop").isTrue();
    assertThat(Files.size(archive.path())).isGreaterThan(1 << 20);
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".training-"));
    }

    try (LocalCluster second = cluster(jar, dir.resolve("second"), List.of("-Xshare:on")).start()) {
      JsonNode status = status(second);
      assertThat(status.get("ready").asBoolean()).isTrue();
      assertThat(status.get("startup").get("total_ms").asLong()).isPositive();
    }
  }

  private static LocalCluster cluster(Path jar, Path dataDir, List<String> extraJvmOptions) {
    List<String> jvm = new ArrayList<>(LocalCluster.Builder.defaultNodeJvmOptions("256m"));
    jvm.addAll(extraJvmOptions);
    return LocalCluster.builder().nodes(1).brokers(1).nginx(null).nodeJar(jar).nodeJvmOptions(jvm)
        .dataDir(dataDir).build();
  }

  private static JsonNode status(LocalCluster cluster) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(cluster.node(0).url() + "/status")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }
}
