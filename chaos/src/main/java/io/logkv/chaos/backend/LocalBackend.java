package io.logkv.chaos.backend;

import io.logkv.chaos.fault.NodeLinks;
import io.logkv.cluster.LocalCluster;
import io.logkv.cluster.Nginx;
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
    NodeLinks links = NodeLinks.create(spec.nodes(), spec.brokers());
    try {
      LocalCluster.Builder b = LocalCluster.builder()
          .nodes(spec.nodes())
          .brokers(spec.brokers())
          .dataDir(spec.dataDir())
          .nodeArgs(spec.nodeArgs())
          .replicas(spec.replicas())
          .nginxReadTimeout(spec.balancerTimeout())
          .nodeBootstrap(links::bootstrapFor)
          .nginxUpstream(links::balancerPort)
          .brokerConfig(links::configureBroker);
      if (spec.brokers() > 1) {
        b.voterAddress(links::voterAddress).controllerAdvertised(links::controllerAdvertisedPort);
      }
      LocalCluster cluster = b.build();
      if (cluster.nginx().isEmpty()) {
        cluster.close();
        throw new IllegalStateException("the chaos suite sends its workload through nginx. " + Nginx.installHint());
      }
      return new Local(cluster.start(), links, spec.replicas());
    } catch (RuntimeException e) {
      links.close();
      throw e;
    }
  }

  private record Local(LocalCluster cluster, NodeLinks links, int replicas) implements ChaosCluster {

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
    public int brokerCount() {
      return cluster.kafka().size();
    }

    @Override
    public String kafkaBootstrap() {
      return cluster.kafka().bootstrapServers();
    }

    @Override
    public boolean brokerAlive(int b) {
      return cluster.kafka().broker(b).isAlive();
    }

    @Override
    public void killBroker(int b) {
      cluster.kafka().broker(b).kill();
    }

    @Override
    public void stopBroker(int b) {
      cluster.kafka().broker(b).stop();
    }

    @Override
    public void startBroker(int b) {
      cluster.kafka().broker(b).start();
      cluster.kafka().awaitBrokersRegistered(cluster.kafka().size());
    }

    @Override
    public void pauseBroker(int b) {
      cluster.kafka().broker(b).pause();
    }

    @Override
    public void resumeBroker(int b) {
      cluster.kafka().broker(b).resume();
    }

    @Override
    public void cutBroker(int b) {
      links.cutBroker(b);
    }

    @Override
    public boolean canCutBroker() {
      return links.canCutBroker();
    }

    @Override
    public void healBroker(int b) {
      links.healBroker(b);
    }

    @Override
    public void startStoppedBrokers() {
      cluster.kafka().startStopped();
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
      d.put("faults", "SIGKILL, SIGTERM, SIGSTOP/SIGCONT of processes; each node's links to every broker and from nginx,"
          + " and the brokers' replication and controller links, through proxies of their own");
      d.put("mode", mode());
      if (replicas > 0) {
        d.put("routing", Nginx.njsModule().isPresent()
            ? "nginx sends each key to its partition's owners (njs module), round robin among them"
            : "nginx round robin (no njs module); a node forwards a key it does not own to an owner");
      }
      d.put("brokers", cluster.kafka().size() + " KRaft broker+controller process(es)");
      d.put("toxiproxy", links.realToxiproxy()
          ? "real Toxiproxy at " + links.apiUrl() : "in-JVM Toxiproxy API server (no TOXIPROXY_URL)");
      d.put("pause", "SIGSTOP, then SIGCONT");
      d.put("kafka cut", "its Toxiproxy proxy disabled (connections closed and refused)");
      d.put("balancer cut", "the Toxiproxy proxy on nginx's link to it disabled (connections closed and refused)");
      d.put("broker cut", "every proxy in front of the broker (nodes', peers' replication, its controller listener) and"
          + " its controller links both ways disabled; its own outbound follower fetches are left");
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
