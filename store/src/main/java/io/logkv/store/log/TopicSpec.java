package io.logkv.store.log;

/**
 * What the node asks of its log topic.
 *
 * @param partitions partitions of a new topic; an existing one must have exactly these
 * @param replicationFactor replicas of a new topic; 0: three, or every broker when there are fewer.
 *     An existing topic must have at least this many
 * @param minInsyncReplicas {@code min.insync.replicas} of a new topic; 0: one less than the
 *     replication factor when it is 3 or more, else 1. An existing topic must have at least this
 * @param maxMessageBytes the topic's max.message.bytes when created: a whole record
 * @param writeFenceMillis the write timeout: the oldest a record may be when the broker appends it
 */
public record TopicSpec(
    String name, int partitions, short replicationFactor, int minInsyncReplicas, int maxMessageBytes,
    long writeFenceMillis) {

  /** The replication factor to create the topic with on a cluster of {@code brokers} brokers. */
  public short replicationFactorFor(int brokers) {
    return replicationFactor > 0 ? replicationFactor : (short) Math.max(1, Math.min(3, brokers));
  }

  /** The min.insync.replicas to ask for with replication factor {@code rf}. */
  public int minInsyncReplicasFor(short rf) {
    return minInsyncReplicas > 0 ? minInsyncReplicas : rf >= 3 ? rf - 1 : 1;
  }
}
