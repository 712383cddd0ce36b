package io.logkv.store.log;

import java.util.Map;
import java.util.Properties;

/**
 * The settings every Kafka client of a node shares, in one place: where the brokers are, how the
 * client names itself, how fast it reconnects, and the user's own client properties (security:
 * {@code security.protocol}, SASL and TLS settings), which are passed through to every client.
 */
public final class KafkaClients {
  private final String bootstrapServers;
  private final String clientIdPrefix;
  private final Map<String, String> userProperties;

  /**
   * @param clientIdPrefix the node id: clients are named {@code <node>-writer}, {@code
   *     <node>-applier}, ... in the brokers' logs and metrics
   * @param userProperties Kafka client properties given by the user; they override the defaults
   *     below but never the settings a client sets for its own correctness
   */
  public KafkaClients(String bootstrapServers, String clientIdPrefix, Map<String, String> userProperties) {
    this.bootstrapServers = bootstrapServers;
    this.clientIdPrefix = clientIdPrefix;
    this.userProperties = Map.copyOf(userProperties);
  }

  /** No user properties: a plaintext cluster. */
  public static KafkaClients plain(String bootstrapServers, String clientIdPrefix) {
    return new KafkaClients(bootstrapServers, clientIdPrefix, Map.of());
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Settings for the client playing {@code role}; the caller adds its own on top. Reconnects are
   * capped at 500 ms (Kafka's default backoff grows to 1 s, then 10 s for the admin client), so
   * a node notices a broker that came back within half a second.
   *
   * <p>A connection attempt is given up after 1 s, 2 s at most on repeated failures (Kafka's
   * defaults: 10 s growing to 30 s). A broker whose host vanished (a killed container, a dead
   * machine) answers a connect with nothing at all, not a refusal; with the defaults the producer
   * kept trying to reach the dead leader for longer than the write timeout, though the controller
   * had moved its partitions to other brokers within 1.5 s. A failed connect makes the client
   * fetch metadata again, which names the new leader. (The docker chaos run's broker-kill-one:
   * writes to the dead broker's partitions stalled until they timed out on every node, and nginx,
   * seeing every node answer 503, answered 502 to everything for 2 s.)
   */
  public Properties forRole(String role) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers);
    p.put("client.id", clientIdPrefix + "-" + role);
    p.put("reconnect.backoff.max.ms", "500");
    p.put("retry.backoff.max.ms", "500");
    p.put("socket.connection.setup.timeout.ms", "1000");
    p.put("socket.connection.setup.timeout.max.ms", "2000");
    p.putAll(userProperties);
    return p;
  }
}
