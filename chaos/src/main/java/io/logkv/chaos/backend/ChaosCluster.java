package io.logkv.chaos.backend;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A running cluster as a scenario sees it: the balancer to send the workload to, each node's
 * address, and the faults that act on processes. Nodes are numbered from 0; node {@code i} is
 * called {@code n(i+1)}. Every method blocks until the action is done, except where it says it
 * does not wait.
 */
public interface ChaosCluster extends AutoCloseable {

  /** nginx's base URL. */
  String balancerUrl();

  int size();

  /** How many nodes hold each partition: 0 in full-copy mode (all of them), R when sharded. */
  int replicas();

  /** {@code full copy} or {@code sharded N=3 R=2}, for the report. */
  default String mode() {
    return ClusterSpec.mode(size(), replicas());
  }

  /** Node {@code i}'s id, e.g. {@code n2}. */
  String nodeId(int i);

  /** Node {@code i}'s base URL, to probe it directly, bypassing nginx. */
  String nodeUrl(int i);

  /** SIGKILL: the node crashes. */
  void killNode(int i);

  /** SIGTERM: a clean stop, waited for. */
  void stopNode(int i);

  /** Starts a stopped node; does not wait until it is ready. */
  void startNode(int i);

  /** Waits until node {@code i} serves data (replay done); fails after {@code timeout}. */
  void awaitNodeReady(int i, Duration timeout);

  /** SIGSTOP: the node hangs with its sockets open. */
  void pauseNode(int i);

  /** SIGCONT. */
  void resumeNode(int i);

  boolean nodeAlive(int i);

  /** How many Kafka brokers the cluster runs. */
  int brokerCount();

  /** The brokers' client addresses as this JVM reaches them, for an admin client. */
  String kafkaBootstrap();

  /** Whether broker {@code b} (0-based; its node id is {@code b + 1}) runs. */
  boolean brokerAlive(int b);

  /** SIGKILL of broker {@code b}. */
  void killBroker(int b);

  /** SIGTERM of broker {@code b}: a controlled shutdown, its leaderships moved first; waited for. */
  void stopBroker(int b);

  /** Starts broker {@code b} again on the same ports and data, waiting until the cluster lists it. */
  void startBroker(int b);

  /** SIGSTOP of broker {@code b}: it hangs with its sockets open. */
  void pauseBroker(int b);

  /** SIGCONT of broker {@code b}. */
  void resumeBroker(int b);

  /**
   * Cuts broker {@code b} off the nodes and the other brokers: local, every proxy in front of it
   * and on its controller links disabled; Docker, its container disconnected from the network.
   */
  void cutBroker(int b);

  /** Whether {@link #cutBroker} is possible (more than one broker). */
  boolean canCutBroker();

  /** Restores every link of broker {@code b}. Idempotent. */
  void healBroker(int b);

  /** SIGKILL of every broker: Kafka is gone. */
  default void killAllBrokers() {
    for (int b = 0; b < brokerCount(); b++) {
      killBroker(b);
    }
  }

  /** Starts every broker that is not running, waiting until the cluster lists them all. */
  void startStoppedBrokers();

  /**
   * Cuts node {@code i} off Kafka: local, its Toxiproxy proxy is disabled; Docker, the node's
   * container is disconnected from the network that reaches the broker.
   */
  void cutFromKafka(int i);

  /** Delays every reply from Kafka to node {@code i} by {@code millis} (a Toxiproxy latency toxic). */
  void delayKafka(int i, long millis);

  /**
   * Cuts node {@code i} off the balancer while it keeps its link to Kafka: local, the proxy on
   * nginx's link to it is disabled; Docker, its container leaves nginx's network. See {@link
   * #canCutFromBalancer()}.
   */
  void cutFromBalancer(int i);

  /** Whether {@link #cutFromBalancer(int)} is possible on this backend. */
  boolean canCutFromBalancer();

  /** Restores every link of node {@code i}: Kafka and balancer, no toxics. Idempotent. */
  void healLinks(int i);

  /** How this cluster is built and how its faults are made, for the report. */
  java.util.Map<String, String> describe();

  /** Where the processes' logs are, for a failure message. */
  Path logDir();

  /** Stops everything; idempotent. */
  @Override
  void close();
}
