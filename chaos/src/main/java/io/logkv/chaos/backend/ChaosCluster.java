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

  boolean brokerAlive();

  /** SIGKILL of the Kafka broker. */
  void killBroker();

  /** Starts the broker again on the same ports and data, waiting until it answers. */
  void startBroker();

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
