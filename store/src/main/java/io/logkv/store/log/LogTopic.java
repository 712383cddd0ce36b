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
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit-log topic: created compacted with the configured partitions when absent, and checked
 * when present, because a topic with another partition count would send a key's writes to another
 * partition and a non-compacted one would lose keys to retention.
 *
 * @param deleteRetentionMillis how long compaction keeps tombstones: a snapshot older than this
 *     may miss deletes and is not used
 */
public record LogTopic(String name, int partitions, Uuid topicId, long deleteRetentionMillis) {
  private static final Logger LOG = LoggerFactory.getLogger(LogTopic.class);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(50);

  /** The partition a key's records go to: the same murmur2 hashing as Kafka's default partitioner. */
  public int partitionFor(byte[] keyBytes) {
    return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
  }

  /**
   * Creates the topic when absent, else checks it.
   *
   * <p>The write fence: a new topic gets {@code message.timestamp.type=CreateTime} and {@code
   * message.timestamp.before.max.ms} = {@code writeFenceMillis}, the write timeout, so the broker
   * rejects any record that reaches it more than that after the producer sent it. A node answers
   * a write that is not acknowledged within its write timeout with 503, and nginx may then retry
   * it on another node; without the fence the first attempt could still be appended much later
   * (a request the kernel retransmits once a partition heals) and overwrite newer writes. The
   * fence assumes the nodes' and the broker's clocks agree to well within the write timeout; an
   * existing topic without it is used as it is, with a warning.
   *
   * @param maxMessageBytes the topic's max.message.bytes when it is created: a whole record
   * @param writeFenceMillis the write timeout: the oldest a record may be when the broker appends it
   * @throws LogException when the topic exists with other partitions or without compaction, or
   *     the broker does not answer within {@code timeoutMillis}
   */
  public static LogTopic ensure(
      Admin admin, String name, int partitions, int maxMessageBytes, long writeFenceMillis, long timeoutMillis) {
    try {
      NewTopic topic =
          new NewTopic(name, Optional.of(partitions), Optional.empty())
              .configs(
                  Map.of(
                      TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                      TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes),
                      TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
                      TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, Long.toString(writeFenceMillis)));
      try {
        admin.createTopics(List.of(topic)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
        LOG.info("created topic {} with {} partitions, compacted, writes fenced after {} ms", name, partitions,
            writeFenceMillis);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      TopicDescription d =
          untilKnown(deadline, () -> admin.describeTopics(List.of(name)).allTopicNames()).get(name);
      if (d.partitions().size() != partitions) {
        throw new LogException(
            "topic " + name + " has " + d.partitions().size() + " partitions but this node is configured for "
                + partitions + "; every node and the topic must agree (use --partitions "
                + d.partitions().size() + " or another --topic)");
      }
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
      Config config = untilKnown(deadline, () -> admin.describeConfigs(List.of(resource)).all()).get(resource);
      String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
      if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        throw new LogException(
            "topic " + name + " has cleanup.policy=" + policy + "; logkv needs compact, or keys are lost to retention");
      }
      long deleteRetention = Long.parseLong(config.get(TopicConfig.DELETE_RETENTION_MS_CONFIG).value());
      String timestampType = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value();
      long fence = Long.parseLong(config.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG).value());
      if (!"CreateTime".equals(timestampType) || fence > writeFenceMillis) {
        LOG.warn("topic {} has message.timestamp.type={} and message.timestamp.before.max.ms={}: a write that"
                + " times out on this node (after {} ms) may still be appended later, after nginx retried it"
                + " elsewhere; set CreateTime and at most {} ms on the topic to fence such writes",
            name, timestampType, fence, writeFenceMillis, writeFenceMillis);
      }
      return new LogTopic(name, partitions, d.topicId(), deleteRetention);
    } catch (ExecutionException e) {
      throw new LogException("could not create or check topic " + name + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new LogException(
          "could not create or check topic " + name + ": the broker did not answer within " + timeoutMillis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogException("interrupted while checking topic " + name, e);
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
