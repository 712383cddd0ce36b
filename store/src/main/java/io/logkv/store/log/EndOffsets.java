package io.logkv.store.log;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Asks the brokers about the log without blocking: the end offset of one partition (strong reads),
 * of every partition (the staleness probe), and the topic's replication state. An end offset is
 * the high watermark, so it covers every acknowledged (acks=all) write.
 */
public final class EndOffsets implements AutoCloseable {
  private final Admin admin;
  private final LogTopic topic;
  private final java.util.List<Integer> held;

  /** @param heldPartitions the partitions this node holds: {@link #all} asks for these */
  public EndOffsets(KafkaClients clients, LogTopic topic, java.util.List<Integer> heldPartitions, long timeoutMillis) {
    this.topic = topic;
    this.held = java.util.List.copyOf(heldPartitions);
    Properties p = clients.forRole("offsets");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeoutMillis));
    // Each attempt gets a third of the call's time, so a call sent to a leader that hangs is
    // retried on the new one instead of waiting out the whole read.
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(500, timeoutMillis / 3)));
    this.admin = Admin.create(p);
  }

  /** The end offset of {@code partition}: the offset the next record will get. */
  public CompletableFuture<Long> of(int partition) {
    TopicPartition tp = new TopicPartition(topic.name(), partition);
    return admin
        .listOffsets(Map.of(tp, OffsetSpec.latest()), options())
        .partitionResult(tp)
        .toCompletionStage()
        .toCompletableFuture()
        .thenApply(info -> info.offset());
  }

  /** The end offset of every partition this node holds, indexed by partition (0 for the others). */
  public CompletableFuture<long[]> all() {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p : held) {
      request.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
    }
    return admin
        .listOffsets(request, options())
        .all()
        .toCompletionStage()
        .toCompletableFuture()
        .thenApply(
            result -> {
              long[] ends = new long[topic.partitions()];
              result.forEach((tp, info) -> ends[tp.partition()] = info.offset());
              return ends;
            });
  }

  /** The number of in-sync replicas of each partition, indexed by partition, right now. */
  public CompletableFuture<int[]> inSyncReplicas() {
    return admin
        .describeTopics(List.of(topic.name()))
        .allTopicNames()
        .toCompletionStage()
        .toCompletableFuture()
        .thenApply(
            d -> {
              int[] isr = new int[topic.partitions()];
              for (TopicPartitionInfo p : d.get(topic.name()).partitions()) {
                if (p.partition() < isr.length) {
                  isr[p.partition()] = p.isr().size();
                }
              }
              return isr;
            });
  }

  private static ListOffsetsOptions options() {
    return new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
