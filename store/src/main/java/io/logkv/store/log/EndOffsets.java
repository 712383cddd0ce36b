package io.logkv.store.log;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Asks the broker for the end of the log without blocking: for strong reads (the end offset of one
 * partition when the read arrives) and for the sync probe (every partition). An end offset is the
 * high watermark, so it covers every acknowledged (acks=all) write.
 */
public final class EndOffsets implements AutoCloseable {
  private final Admin admin;
  private final LogTopic topic;

  public EndOffsets(String bootstrapServers, String clientId, LogTopic topic, long timeoutMillis) {
    this.topic = topic;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-offsets");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeoutMillis));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeoutMillis));
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    p.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
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

  /** The end offset of every partition, indexed by partition. */
  public CompletableFuture<long[]> all() {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < topic.partitions(); p++) {
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

  private static ListOffsetsOptions options() {
    return new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED);
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(5));
  }
}
