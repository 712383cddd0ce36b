package io.logkv.store;

import io.logkv.store.record.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes records straight to a node's topic, as other nodes would, much faster than HTTP one by one. */
final class LogFill {
  private LogFill() {}

  /** {@code count} puts of keys {@code prefix0..}, values {@code prefix-value-i}. */
  static void puts(String topic, String prefix, int count) {
    send(topic, prefix, 0, count, 1, false);
  }

  /** Tombstones for every {@code step}-th key of {@code prefix0..prefix(count-1)}. */
  static void deletes(String topic, String prefix, int count, int step) {
    send(topic, prefix, 0, count, step, true);
  }

  private static void send(String topic, String prefix, int from, int count, int step, boolean delete) {
    Properties p = new Properties();
    p.put("bootstrap.servers", SharedBroker.bootstrapServers());
    p.put("linger.ms", "5");
    p.put("batch.size", Integer.toString(256 * 1024));
    p.put("acks", "all");
    long now = System.currentTimeMillis();
    // A record the broker refuses (e.g. queued here past the topic's write fence) fails the fill.
    AtomicReference<Exception> refused = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = from; i < from + count; i += step) {
        byte[] key = (prefix + i).getBytes(StandardCharsets.UTF_8);
        byte[] value = delete ? null : RecordCodec.encode((prefix + "value-" + i).getBytes(StandardCharsets.UTF_8), 0, now);
        producer.send(new ProducerRecord<>(topic, key, value), (m, e) -> refused.compareAndSet(null, e));
      }
      producer.flush();
    }
    if (refused.get() != null) {
      throw new IllegalStateException("filling " + topic + " failed", refused.get());
    }
  }

  /** A position token for the current end of every partition of {@code topic}. */
  static String endToken(String topic, int partitions) {
    return endToken(topic, partitions, SharedBroker.bootstrapServers());
  }

  /** The same on the brokers at {@code bootstrapServers}. */
  static String endToken(String topic, int partitions, String bootstrapServers) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
      for (int i = 0; i < partitions; i++) {
        request.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      List<String> token = new ArrayList<>();
      admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> {
        if (info.offset() > 0) {
          token.add(tp.partition() + ":" + (info.offset() - 1));
        }
      });
      return String.join(",", token);
    } catch (Exception e) {
      throw new IllegalStateException("could not read the end of " + topic, e);
    }
  }
}
