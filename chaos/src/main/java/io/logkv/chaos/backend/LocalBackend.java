package io.logkv.chaos.backend;

import io.logkv.chaos.fault.NodeLinks;
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
    // The proxies first: the broker's per-node listeners point at them from its first start, and
    // nginx reaches each node through its own proxy too.
    NodeLinks links = NodeLinks.create(spec.nodes());
    try {
      LocalCluster.Builder b = LocalCluster.builder()
          .nodes(spec.nodes())
          .dataDir(spec.dataDir())
          .nodeArgs(spec.nodeArgs())
          .nginxReadTimeout(spec.balancerTimeout())
          .nodeBootstrap(i -> "127.0.0.1:" + links.proxyPort(i))
          .nginxUpstream(links::balancerPort);
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

  private record Local(LocalCluster cluster, NodeLinks links) implements ChaosCluster {

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
      links.cutFromKafka(i);
    }

    @Override
    public void delayKafka(int i, long millis) {
      links.delayKafka(i, millis);
    }

    @Override
    public void cutFromBalancer(int i) {
      links.cutFromBalancer(i);
    }

    @Override
    public boolean canCutFromBalancer() {
      return links.hasBalancerLinks();
    }

    @Override
    public void healLinks(int i) {
      links.heal(i);
    }

    @Override
    public Map<String, String> describe() {
      Map<String, String> d = new LinkedHashMap<>();
      d.put("backend", "local: child processes on 127.0.0.1 (cluster library), nginx from the PATH");
      d.put("faults", "SIGKILL, SIGTERM, SIGSTOP/SIGCONT of processes; each node's links to Kafka and from nginx through its own proxies");
      d.put("toxiproxy", links.realToxiproxy()
          ? "real Toxiproxy at " + links.apiUrl() : "in-JVM Toxiproxy API server (no TOXIPROXY_URL)");
      d.put("pause", "SIGSTOP, then SIGCONT");
      d.put("kafka cut", "its Toxiproxy proxy disabled (connections closed and refused)");
      d.put("balancer cut", "the Toxiproxy proxy on nginx's link to it disabled (connections closed and refused)");
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
        links.close();
      }
    }
  }
}
