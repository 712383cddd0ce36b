package io.logkv.store.log;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import io.logkv.store.record.Partitioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit-log topic: created when absent, checked when present, because a topic with another
 * partition count would send a key's writes to another partition, a non-compacted one would lose
 * keys to retention, and one with fewer replicas or a lower {@code min.insync.replicas} than asked
 * would acknowledge writes that one broker's loss can take away.
 *
 * @param replicationFactor the replicas of each partition (the smallest, if they differ)
 * @param minInsyncReplicas the topic's min.insync.replicas: an acks=all write needs this many
 * @param deleteRetentionMillis how long compaction keeps tombstones: a node that has not caught
 *     up for this long may have missed deletes, and a snapshot taken longer ago may miss them
 */
public record LogTopic(
    String name, int partitions, Uuid topicId, short replicationFactor, int minInsyncReplicas,
    long deleteRetentionMillis) {
  private static final Logger LOG = LoggerFactory.getLogger(LogTopic.class);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(50);
  private static final long CALL_TIMEOUT_MILLIS = 10_000;

  /**
   * How long after it was last caught up with the log a node (or its snapshot) can still be sure
   * to see every delete: the tombstone retention, less a quarter of it (at most 5 minutes) for the
   * replay that catches up. Past this, compaction may have removed deletes it never applied.
   */
  public long tombstoneSafeMillis() {
    return deleteRetentionMillis - Math.min(deleteRetentionMillis / 4, 300_000);
  }

  /** The partition a key's records go to; see {@link Partitioner}. */
  public int partitionFor(byte[] keyBytes) {
    return Partitioner.partition(keyBytes, partitions);
  }

  /**
   * Creates or checks the topic, waiting for the brokers while they cannot be reached (a node may
   * start before Kafka does), up to {@code startupTimeout}.
   *
   * @throws LogException when the topic is not usable (the message says how to fix it), or the
   *     brokers stay unreachable
   */
  public static LogTopic open(KafkaClients clients, TopicSpec spec, Duration startupTimeout) {
    long deadline = System.nanoTime() + startupTimeout.toNanos();
    try (Admin admin = Admin.create(clients.forRole("setup"))) {
      while (true) {
        try {
          return ensure(admin, spec, CALL_TIMEOUT_MILLIS);
        } catch (LogException e) {
          boolean unreachable = e.getCause() instanceof TimeoutException
              || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException;
          if (!unreachable || System.nanoTime() > deadline) {
            throw e;
          }
          LOG.warn("waiting for Kafka at {}: {}", clients.bootstrapServers(), e.getMessage());
        }
      }
    }
  }

  /**
   * Creates the topic when absent, else checks it.
   *
   * <p>Durability: a new topic gets the replication factor and {@code min.insync.replicas} of
   * {@code spec}, so that with acks=all an acknowledged write is on at least min ISR brokers and
   * survives the loss of all but one of them. With fewer brokers than three, fewer replicas are
   * used, and a warning says what that costs.
   *
   * <p>The write fence: a new topic gets {@code message.timestamp.type=CreateTime} and {@code
   * message.timestamp.before.max.ms} = the write timeout, so the broker rejects any record that
   * reaches it more than that after the producer sent it. A node answers a write that is not
   * acknowledged within its write timeout with 503, and nginx may then retry it on another node;
   * without the fence the first attempt could still be appended much later (a request the kernel
   * retransmits once a partition heals) and overwrite newer writes. The fence assumes the nodes'
   * and the broker's clocks agree to well within the write timeout; an existing topic without it
   * is used as it is, with a warning.
   */
  static LogTopic ensure(Admin admin, TopicSpec spec, long timeoutMillis) {
    String name = spec.name();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      int brokers = admin.describeCluster().nodes().get(timeoutMillis, TimeUnit.MILLISECONDS).size();
      short rf = spec.replicationFactorFor(brokers);
      int minIsr = spec.minInsyncReplicasFor(rf);
      create(admin, spec, rf, minIsr, brokers, timeoutMillis);
      TopicDescription d = untilKnown(deadline, () -> admin.describeTopics(List.of(name)).allTopicNames()).get(name);
      if (d.partitions().size() != spec.partitions()) {
        throw new LogException(
            "topic " + name + " has " + d.partitions().size() + " partitions but this node is configured for "
                + spec.partitions() + "; every node and the topic must agree (use --partitions "
                + d.partitions().size() + " or another --topic)");
      }
      short actualRf = (short) d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
      if (actualRf < rf) {
        throw new LogException(
            "topic " + name + " has replication factor " + actualRf + " but this node asks for " + rf
                + ": an acknowledged write could be lost with " + actualRf + " broker(s). Raise it with"
                + " kafka-reassign-partitions.sh, or use another --topic, or accept it with --replication-factor "
                + actualRf);
      }
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
      Config config = untilKnown(deadline, () -> admin.describeConfigs(List.of(resource)).all()).get(resource);
      String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
      if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        throw new LogException(
            "topic " + name + " has cleanup.policy=" + policy + "; logkv needs compact, or keys are lost to retention");
      }
      int actualMinIsr = Integer.parseInt(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value());
      if (actualMinIsr < minIsr) {
        throw new LogException(
            "topic " + name + " has min.insync.replicas=" + actualMinIsr + " but this node asks for " + minIsr
                + ": a write acknowledged by " + actualMinIsr + " broker(s) could be lost with them. Raise it with"
                + " kafka-configs.sh --alter --entity-type topics --entity-name " + name
                + " --add-config min.insync.replicas=" + minIsr + ", or accept it with --min-insync-replicas "
                + actualMinIsr);
      }
      long deleteRetention = Long.parseLong(config.get(TopicConfig.DELETE_RETENTION_MS_CONFIG).value());
      String timestampType = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value();
      long fence = Long.parseLong(config.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG).value());
      if (!"CreateTime".equals(timestampType) || fence > spec.writeFenceMillis()) {
        LOG.warn("topic {} has message.timestamp.type={} and message.timestamp.before.max.ms={}: a write that"
                + " times out on this node (after {} ms) may still be appended later, after nginx retried it"
                + " elsewhere; set CreateTime and at most {} ms on the topic to fence such writes",
            name, timestampType, fence, spec.writeFenceMillis(), spec.writeFenceMillis());
      }
      if (actualRf < 3) {
        LOG.warn("topic {} has {} replica(s) ({} broker(s) in the cluster): an acknowledged write does not"
            + " survive the loss of {}", name, actualRf, brokers, actualRf == 1 ? "its broker" : "both brokers");
      }
      return new LogTopic(name, spec.partitions(), d.topicId(), actualRf, actualMinIsr, deleteRetention);
    } catch (ExecutionException e) {
      throw explain("could not create or check topic " + name, e.getCause());
    } catch (TimeoutException e) {
      throw new LogException(
          "could not create or check topic " + name + ": the brokers did not answer within " + timeoutMillis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogException("interrupted while checking topic " + name, e);
    }
  }

  /**
   * A failed admin call as the node reports it. Refused credentials and missing rights get a
   * message that says so and which settings to look at: they never heal by waiting, so {@link
   * #open} does not retry them.
   */
  static LogException explain(String what, Throwable cause) {
    String settings = " (set with --kafka-property KEY=VALUE or --kafka-properties-file FILE)";
    if (cause instanceof SslAuthenticationException) {
      return new LogException(what + ": TLS authentication with Kafka failed: " + cause.getMessage()
          + ". Check ssl.truststore.location/ssl.truststore.type (the brokers' CA) and, for mutual TLS,"
          + " ssl.keystore.*" + settings, cause);
    }
    if (cause instanceof AuthenticationException) {
      return new LogException(what + ": Kafka refused this node's credentials (SASL authentication failed): "
          + cause.getMessage() + ". Check sasl.mechanism and the user and password in sasl.jaas.config" + settings,
          cause);
    }
    if (cause instanceof AuthorizationException) {
      return new LogException(what + ": Kafka denied this node's principal an operation: " + cause.getMessage()
          + ". It needs Describe, Create and DescribeConfigs on the topic, Read and Write on it, and Describe on"
          + " the cluster", cause);
    }
    return new LogException(what + ": " + cause.getMessage(), cause);
  }

  private static void create(Admin admin, TopicSpec spec, short rf, int minIsr, int brokers, long timeoutMillis)
      throws ExecutionException, InterruptedException, TimeoutException {
    NewTopic topic =
        new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.of(rf))
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minIsr),
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(spec.maxMessageBytes()),
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
                    TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, Long.toString(spec.writeFenceMillis())));
    try {
      admin.createTopics(List.of(topic)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
      LOG.info("created topic {} with {} partitions, replication factor {} ({} broker(s)), min.insync.replicas {},"
          + " compacted, writes fenced after {} ms", spec.name(), spec.partitions(), rf, brokers, minIsr,
          spec.writeFenceMillis());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.InvalidReplicationFactorException) {
        throw new LogException("cannot create topic " + spec.name() + " with replication factor " + rf + ": the"
            + " cluster has " + brokers + " broker(s); lower --replication-factor or add brokers", e.getCause());
      }
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /**
   * The admin call's result, retried while the broker answers "unknown topic": right after a
   * topic is created, a broker's metadata can lag its controller for a moment.
   */
  private static <T> T untilKnown(long deadlineNanos, Supplier<KafkaFuture<T>> call)
      throws ExecutionException, InterruptedException, TimeoutException {
    while (true) {
      long left = deadlineNanos - System.nanoTime();
      try {
        return call.get().get(Math.max(1, left), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || left < RETRY_PAUSE.toNanos()) {
          throw e;
        }
        Thread.sleep(RETRY_PAUSE.toMillis());
      }
    }
  }
}
