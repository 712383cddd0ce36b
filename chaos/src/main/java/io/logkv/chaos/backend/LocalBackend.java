package io.logkv.chaos.backend;

import io.logkv.chaos.fault.KafkaLinks;
import io.logkv.cluster.LocalCluster;
import io.logkv.cluster.Nginx;
import io.logkv.kafkalocal.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A cluster of child processes on 127.0.0.1, started through {@link LocalCluster}. */
final class LocalBackend implements Backend {

  @Override
  public String name() {
    return "local";
  }

  @Override
  public ChaosCluster start(ClusterSpec spec) {
    // The proxies first: the broker's per-node listeners point at them from its first start.
    KafkaLinks links = KafkaLinks.create(spec.nodes());
    try {
      LocalCluster.Builder b = LocalCluster.builder()
          .nodes(spec.nodes())
          .dataDir(spec.dataDir())
          .nodeArgs(spec.nodeArgs())
          .nginxReadTimeout(spec.balancerTimeout())
          .nodeBootstrap(i -> "127.0.0.1:" + links.proxyPort(i));
      for (int i = 0; i < spec.nodes(); i++) {
        b.brokerListener(new KafkaBroker.Listener("N" + (i + 1), links.brokerPort(i), links.proxyPort(i)));
      }
      LocalCluster cluster = b.build();
      if (cluster.nginx().isEmpty()) {
        cluster.close();
        throw new IllegalStateException("the chaos suite sends its workload through nginx. " + Nginx.installHint());
      }
      return new Local(cluster.start(), links);
    } catch (RuntimeException e) {
      links.close();
      throw e;
    }
  }

  private record Local(LocalCluster cluster, KafkaLinks kafkaLinks) implements ChaosCluster {

    @Override
    public String balancerUrl() {
      return cluster.url();
    }

    @Override
    public int size() {
      return cluster.nodes().size();
    }

    @Override
    public String nodeId(int i) {
      return cluster.node(i).id();
    }

    @Override
    public String nodeUrl(int i) {
      return cluster.node(i).url();
    }

    @Override
    public void killNode(int i) {
      cluster.node(i).kill();
    }

    @Override
    public void stopNode(int i) {
      cluster.node(i).stop();
    }

    @Override
    public void startNode(int i) {
      cluster.node(i).start();
    }

    @Override
    public void awaitNodeReady(int i, Duration timeout) {
      cluster.node(i).awaitReady(timeout);
    }

    @Override
    public void pauseNode(int i) {
      cluster.node(i).pause();
    }

    @Override
    public void resumeNode(int i) {
      cluster.node(i).resume();
    }

    @Override
    public boolean nodeAlive(int i) {
      return cluster.node(i).isAlive();
    }

    @Override
    public boolean brokerAlive() {
      return cluster.broker().isAlive();
    }

    @Override
    public void killBroker() {
      cluster.broker().kill();
    }

    @Override
    public void startBroker() {
      cluster.broker().start();
    }

    @Override
    public void cutFromKafka(int i) {
      kafkaLinks.cut(i);
    }

    @Override
    public void delayKafka(int i, long millis) {
      kafkaLinks.delay(i, millis);
    }

    @Override
    public void cutFromBalancer(int i) {
      throw new UnsupportedOperationException("the local backend cannot cut a node from nginx (Docker can)");
    }

    @Override
    public boolean canCutFromBalancer() {
      return false;
    }

    @Override
    public void healLinks(int i) {
      kafkaLinks.heal(i);
    }

    @Override
    public Map<String, String> describe() {
      Map<String, String> d = new LinkedHashMap<>();
      d.put("backend", "local: child processes on 127.0.0.1 (cluster library), nginx from the PATH");
      d.put("faults", "SIGKILL, SIGTERM, SIGSTOP/SIGCONT of processes; Kafka links through per-node proxies");
      d.put("toxiproxy", kafkaLinks.realToxiproxy()
          ? "real Toxiproxy at " + kafkaLinks.apiUrl() : "in-JVM Toxiproxy API server (no TOXIPROXY_URL)");
      return d;
    }

    @Override
    public Path logDir() {
      return cluster.logDir();
    }

    @Override
    public void close() {
      try {
        cluster.close();
      } finally {
        kafkaLinks.close();
      }
    }
  }
}
