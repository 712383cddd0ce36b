package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.store.snapshot.SnapshotFormat;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A restart loads the snapshot and replays the tail; a bad snapshot means a full replay, never wrong data. */
@ExtendWith(SharedBroker.class)
class SnapshotIT {

  @Test
  void restartFromSnapshot_replaysOnlyTheTail_andEqualsAFullReplay(@TempDir Path dir) {
    try (TestNodes nodes = new TestNodes(SharedBroker.bootstrapServers(), dir)) {
      Node n1 = nodes.start("n1");
      Node reference = nodes.start("reference", "--snapshot-interval", "off");
      LogFill.puts(nodes.topic(), "a-", 20_000);
      digest(n1, nodes); // n1 has applied all of it
      n1.close(); // a clean stop writes an exact snapshot
      assertThat(dir.resolve("n1/snapshot.bin")).exists();
      LogFill.puts(nodes.topic(), "b-", 500);
      LogFill.deletes(nodes.topic(), "a-", 20_000, 100);

      Node again = nodes.start("n1");
      JsonNode status = json(Http.get(again.url() + "/status").body());
      assertThat(status.at("/replay/source").asText()).isEqualTo("snapshot");
      assertThat(status.at("/snapshot/loaded_keys").asLong()).isEqualTo(20_000);
      assertThat(status.at("/replay/records").asLong()).isEqualTo(500 + 200); // the tail only
      assertThat(digest(again, nodes)).isEqualTo(digest(reference, nodes));
      assertThat(Http.get(again.url() + "/metrics").body()).contains("logkv_replay_from_snapshot 1.0");

      Node full = nodes.start("full", "--snapshot-interval", "off");
      assertThat(json(Http.get(full.url() + "/status").body()).at("/replay/source").asText()).isEqualTo("log");
      assertThat(digest(full, nodes)).isEqualTo(digest(reference, nodes));
    }
  }

  @Test
  void corruptTruncatedOrForeignSnapshot_fallsBackToAFullReplay(@TempDir Path dir) throws Exception {
    Path foreign;
    try (TestNodes other = new TestNodes(SharedBroker.bootstrapServers(), dir.resolve("other"))) {
      Node o = other.start("o1");
      LogFill.puts(other.topic(), "x-", 50);
      digest(o, other);
      o.close();
      foreign = dir.resolve("other/o1/snapshot.bin");
    }
    try (TestNodes nodes = new TestNodes(SharedBroker.bootstrapServers(), dir.resolve("main"))) {
      Node n1 = nodes.start("n1");
      Node reference = nodes.start("reference", "--snapshot-interval", "off");
      LogFill.puts(nodes.topic(), "k-", 5000);
      digest(n1, nodes);
      n1.close();
      Path snapshot = dir.resolve("main/n1/snapshot.bin");
      byte[] good = Files.readAllBytes(snapshot);
      LogFill.puts(nodes.topic(), "tail-", 100);
      String expected = digest(reference, nodes);

      byte[] flipped = good.clone();
      flipped[good.length / 2] ^= 1;
      byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
      for (Object bad : List.of(flipped, truncated, foreign)) {
        if (bad instanceof byte[] bytes) {
          Files.write(snapshot, bytes);
        } else {
          Files.copy((Path) bad, snapshot, StandardCopyOption.REPLACE_EXISTING);
        }
        Node restarted = nodes.start("n1");
        JsonNode status = json(Http.get(restarted.url() + "/status").body());
        assertThat(status.at("/replay/source").asText()).isEqualTo("log");
        assertThat(status.at("/snapshot/loaded_keys").asLong()).isZero();
        assertThat(digest(restarted, nodes)).isEqualTo(expected);
        restarted.close();
      }
    }
  }

  @Test
  void writesRacingPeriodicSnapshots_areNotLost(@TempDir Path dir) throws Exception {
    try (TestNodes nodes = new TestNodes(SharedBroker.bootstrapServers(), dir)) {
      Node n1 = nodes.start("n1", "--snapshot-interval", "20ms");
      Node reference = nodes.start("reference", "--snapshot-interval", "off");
      Path snapshot = dir.resolve("n1/snapshot.bin");
      Path fuzzy = dir.resolve("fuzzy.bin");
      // Writes stream into the log (bounded: 15 rounds) while snapshots are taken and one is copied.
      CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
        for (int round = 0; round < 15; round++) {
          LogFill.puts(nodes.topic(), "race-", 2000);
          LogFill.deletes(nodes.topic(), "race-", 2000, 7);
        }
      });
      // Keep a copy of a snapshot taken while those writes were going on.
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(snapshot)
          && json(Http.get(n1.url() + "/status").body()).at("/snapshot/last_keys").asLong() > 100);
      Files.copy(snapshot, fuzzy, StandardCopyOption.REPLACE_EXISTING);
      writes.get(120, TimeUnit.SECONDS); // rethrows a failed write
      n1.close();
      Files.copy(fuzzy, snapshot, StandardCopyOption.REPLACE_EXISTING); // restart from the fuzzy one

      Node fromSnapshot = nodes.start("n1");
      assertThat(json(Http.get(fromSnapshot.url() + "/status").body()).at("/replay/source").asText()).isEqualTo("snapshot");
      assertThat(digest(fromSnapshot, nodes)).isEqualTo(digest(reference, nodes));
    }
  }

  @Test
  @Timeout(240)
  void killDuringSnapshotWriting_leavesALoadablePreviousSnapshot(@TempDir Path dir) throws Exception {
    try (TestNodes nodes = new TestNodes(SharedBroker.bootstrapServers(), dir)) {
      Node reference = nodes.start("reference", "--snapshot-interval", "off");
      LogFill.puts(nodes.topic(), "bulk-", 50_000); // enough keys for a snapshot to take a while
      int port = FreePorts.next();
      ChildProcess victim = ChildProcess.java("victim", List.of("-Xmx512m"), Main.class.getName(),
          List.of("--bootstrap-servers", SharedBroker.bootstrapServers(), "--topic", nodes.topic(), "--partitions", "3",
              "--port", Integer.toString(port), "--node-id", "victim", "--data-dir", dir.toString(),
              "--snapshot-interval", "10ms"),
          dir.resolve("victim.log"));
      Path nodeDir = dir.resolve("victim");
      try {
        victim.start();
        victim.awaitReady(() -> Files.exists(nodeDir.resolve("snapshot.bin")), Duration.ofSeconds(120), "snapshotting");
        // Writes keep every snapshot different, so the node keeps writing new ones.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean caughtMidWrite = false;
        for (int i = 0; !caughtMidWrite && System.nanoTime() < deadline; i++) {
          Http.put("http://127.0.0.1:" + port + "/keys/churn", "v" + i);
          caughtMidWrite = hasTemporaryFile(nodeDir);
        }
        victim.kill();
        assertThat(caughtMidWrite).as("a snapshot was being written when the node was killed").isTrue();
      } finally {
        victim.kill();
      }
      try (InputStream in = Files.newInputStream(nodeDir.resolve("snapshot.bin"))) {
        assertThat(SnapshotFormat.read(in, System.currentTimeMillis()).size()).isGreaterThan(0);
      }
      Node restarted = nodes.startNotReady("victim", InstantSource.system());
      restarted.awaitReady(60_000);
      assertThat(json(Http.get(restarted.url() + "/status").body()).at("/replay/source").asText()).isEqualTo("snapshot");
      assertThat(digest(restarted, nodes)).isEqualTo(digest(reference, nodes));
    }
  }

  private static boolean hasTemporaryFile(Path dir) throws Exception {
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "snapshot.bin.tmp-*")) {
      return temps.iterator().hasNext();
    }
  }

  /** The node's digest once it has applied the whole topic as it is now. */
  private static String digest(Node node, TestNodes nodes) {
    TestNodes.awaitApplied(node.url(), LogFill.endToken(nodes.topic(), 3));
    return json(Http.get(node.url() + "/admin/digest").body()).get("digest").asText();
  }
}
