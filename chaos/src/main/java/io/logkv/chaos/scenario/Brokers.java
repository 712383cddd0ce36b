package io.logkv.chaos.scenario;

import io.logkv.chaos.backend.ChaosCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/** What a broker scenario asks the Kafka cluster itself: who leads, and whether every replica is back. */
public final class Brokers {
  /** The nodes' log topic (their default). */
  static final String TOPIC = "logkv";

  private Brokers() {}

  /**
   * The broker (0-based) that leads the most partitions of the log topic now, among those that are
   * not the active KRaft controller (when there is another): losing the controller as well is
   * broker-cut-one's fault. Losing both at once takes Kafka a controller election before it can
   * even fence the broker and move its partitions; on this machine that alone has taken 4.3 s
   * (CI10: a split vote, then a session timeout counted from the new controller's start), which
   * leaves the writes to those partitions no room within a 5 s write timeout.
   */
  public static int leadingMostPartitions(ChaosCluster cluster) {
    int[] led = new int[cluster.brokerCount()];
    for (TopicPartitionInfo p : describe(cluster).partitions()) {
      if (p.leader() != null && p.leader().id() >= 1 && p.leader().id() <= led.length) {
        led[p.leader().id() - 1]++;
      }
    }
    int controller = led.length > 1 ? activeController(cluster) : -1;
    int most = -1;
    for (int b = 0; b < led.length; b++) {
      if (b != controller && (most < 0 || led[b] > led[most])) {
        most = b;
      }
    }
    return most < 0 ? 0 : most;
  }

  /** The broker (0-based) that is the active KRaft controller now. */
  public static int activeController(ChaosCluster cluster) {
    try (Admin admin = admin(cluster)) {
      return admin.describeMetadataQuorum().quorumInfo().get(6, TimeUnit.SECONDS).leaderId() - 1;
    } catch (Exception e) {
      throw new IllegalStateException("describing the metadata quorum failed: " + e, e);
    }
  }

  /**
   * Waits until every partition of the log topic has all its replicas in sync and a leader;
   * returns the ms it took.
   */
  public static long awaitFullyReplicated(ChaosCluster cluster, Duration timeout) {
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        TopicDescription d = describe(cluster);
        boolean whole = d.partitions().stream()
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty() && p.isr().size() == p.replicas().size());
        if (whole) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
        last = d.partitions().stream().map(p -> p.partition() + ": isr " + p.isr().size() + "/" + p.replicas().size())
            .toList().toString();
      } catch (RuntimeException e) {
        last = e.toString();
      }
      sleep(200);
    }
    throw new IllegalStateException("the log topic was not fully replicated within " + timeout + ": " + last);
  }

  private static Admin admin(ChaosCluster cluster) {
    return Admin.create(Map.of("bootstrap.servers", cluster.kafkaBootstrap(),
        "request.timeout.ms", "3000", "default.api.timeout.ms", "5000"));
  }

  private static TopicDescription describe(ChaosCluster cluster) {
    try (Admin admin = admin(cluster)) {
      return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(6, TimeUnit.SECONDS).get(TOPIC);
    } catch (Exception e) {
      throw new IllegalStateException("describing topic " + TOPIC + " failed: " + e, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
