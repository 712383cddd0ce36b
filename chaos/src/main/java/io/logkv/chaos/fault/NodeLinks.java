package io.logkv.chaos.fault;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.logkv.toxiproxy.ToxiproxyServer;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.kafkalocal.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Toxiproxy proxies on every link of a local cluster that a fault may cut or slow, so that one
 * node or one broker can be cut while the rest keep theirs:
 *
 * <ul>
 *   <li>each node's link to each broker: broker {@code b} binds a listener {@code N<i>} for node
 *       {@code i} and advertises it at the proxy's port, so the node keeps using its proxy after
 *       its first metadata request;
 *   <li>nginx's link to each node (created by {@link #balancerPort});
 *   <li>each broker's replication listener, advertised at its proxy: the other brokers fetch from
 *       it through the proxy;
 *   <li>each broker's link to each other broker's controller listener (created by {@link
 *       #voterAddress}): every member names the other voters by its own proxies;
 *   <li>each broker's controller listener as the quorum's leader advertises it to its followers
 *       (created by {@link #controllerAdvertisedPort}).
 * </ul>
 *
 * <p>Cutting a broker disables every proxy that leads to it, and its own links to the other
 * controllers; what it sends as a follower (replica and quorum fetches) still leaves, but a broker
 * the controller no longer hears from is fenced and led by no partition, which is what the nodes
 * and the other brokers see of a cut.
 *
 * <p>Create it before the cluster; every port stays fixed for the run, so the proxies survive node
 * and broker restarts.
 */
public final class NodeLinks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLinks.class);

  private final ToxiproxyServer ownServer; // null when a real Toxiproxy is used
  private final String apiUrl;
  private final ToxiproxyClient client;
  private final int nodes;
  private final int brokers;
  /** [node][broker]. */
  private final Proxy[][] kafkaProxies;
  private final int[][] brokerPorts;
  private final int[][] proxyPorts;
  private final Proxy[] balancerProxies;
  private final Proxy[] replicationProxies;
  private final int[] replicationPorts;
  private final int[] replicationProxyPorts;
  /** "from->to" -> the proxy member {@code from} reaches voter {@code to}'s controller through. */
  private final Map<String, Proxy> controllerProxies = new ConcurrentHashMap<>();
  /** Broker -> the proxy in front of its controller listener, as it advertises it. */
  private final Map<Integer, Proxy> controllerInbound = new ConcurrentHashMap<>();

  private NodeLinks(ToxiproxyServer ownServer, String apiUrl, ToxiproxyClient client, int nodes, int brokers) {
    this.ownServer = ownServer;
    this.apiUrl = apiUrl;
    this.client = client;
    this.nodes = nodes;
    this.brokers = brokers;
    this.kafkaProxies = new Proxy[nodes][brokers];
    this.brokerPorts = new int[nodes][brokers];
    this.proxyPorts = new int[nodes][brokers];
    this.balancerProxies = new Proxy[nodes];
    this.replicationProxies = new Proxy[brokers];
    this.replicationPorts = new int[brokers];
    this.replicationProxyPorts = new int[brokers];
    try {
      for (int i = 0; i < nodes; i++) {
        for (int b = 0; b < brokers; b++) {
          brokerPorts[i][b] = FreePorts.next();
          proxyPorts[i][b] = FreePorts.next();
          kafkaProxies[i][b] = createProxy("kafka" + (b + 1) + "-" + nodeId(i), proxyPorts[i][b], brokerPorts[i][b]);
        }
      }
      if (brokers > 1) {
        for (int b = 0; b < brokers; b++) {
          replicationPorts[b] = FreePorts.next();
          replicationProxyPorts[b] = FreePorts.next();
          replicationProxies[b] = createProxy("replication-kafka" + (b + 1), replicationProxyPorts[b], replicationPorts[b]);
        }
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("creating the link proxies through " + apiUrl + " failed", e);
    }
  }

  /**
   * Proxies for {@code nodes} nodes and {@code brokers} brokers on a real Toxiproxy when the
   * environment variable {@code TOXIPROXY_URL} (e.g. {@code http://127.0.0.1:8474}) is set, else
   * on an in-JVM server that this object stops on {@link #close()}.
   */
  public static NodeLinks create(int nodes, int brokers) {
    String url = System.getenv("TOXIPROXY_URL");
    if (url != null && !url.isBlank()) {
      URI uri = URI.create(url.strip());
      LOG.info("links through the Toxiproxy at {}", uri);
      return new NodeLinks(null, uri.toString(), new ToxiproxyClient(uri.getHost(), uri.getPort()), nodes, brokers);
    }
    ToxiproxyServer server = ToxiproxyServer.start(0);
    LOG.info("links through the in-JVM Toxiproxy API server at {}", server.url());
    return new NodeLinks(server, server.url(), new ToxiproxyClient("127.0.0.1", server.port()), nodes, brokers);
  }

  private Proxy createProxy(String name, int listenPort, int upstreamPort) throws IOException {
    Proxy stale = client.getProxyOrNull(name);
    if (stale != null) {
      stale.delete(); // left over from an earlier run against the same real Toxiproxy
    }
    return client.createProxy(name, "127.0.0.1:" + listenPort, "127.0.0.1:" + upstreamPort);
  }

  /** The id the cluster gives node {@code i} (0-based). */
  static String nodeId(int i) {
    return "n" + (i + 1);
  }

  /** Broker {@code b}'s listeners: one per node, and replication, each advertised at its proxy. */
  public void configureBroker(int b, KafkaBroker.Builder broker) {
    for (int i = 0; i < nodes; i++) {
      broker.listener(new KafkaBroker.Listener("N" + (i + 1), brokerPorts[i][b], proxyPorts[i][b]));
    }
    if (brokers > 1) {
      broker.replicationListener(replicationPorts[b], replicationProxyPorts[b]);
    }
  }

  /** Where member {@code from} reaches voter {@code to}'s controller listener: its own proxy. */
  public String voterAddress(int from, int to, int controllerPort) {
    Proxy p = controllerProxies.computeIfAbsent(from + "->" + to, key -> {
      try {
        return createProxy("controller-kafka" + (from + 1) + "-to-kafka" + (to + 1), FreePorts.next(), controllerPort);
      } catch (IOException e) {
        throw new UncheckedIOException("creating a controller link proxy failed", e);
      }
    });
    return p.getListen();
  }

  /** The port broker {@code b} advertises its controller listener at: a proxy to {@code controllerPort}. */
  public int controllerAdvertisedPort(int b, int controllerPort) {
    int port = FreePorts.next();
    try {
      controllerInbound.put(b, createProxy("controller-kafka" + (b + 1), port, controllerPort));
    } catch (IOException e) {
      throw new UncheckedIOException("creating the controller proxy of kafka-" + (b + 1) + " failed", e);
    }
    return port;
  }

  /** Node {@code i}'s bootstrap servers: its proxy to every broker. */
  public String bootstrapFor(int i) {
    return IntStream.range(0, brokers).mapToObj(b -> "127.0.0.1:" + proxyPorts[i][b]).collect(Collectors.joining(","));
  }

  /**
   * Creates the proxy on nginx's link to node {@code i}, which listens on {@code nodePort}, and
   * returns the port nginx must send that node's traffic to.
   */
  public synchronized int balancerPort(int i, int nodePort) {
    int port = FreePorts.next();
    try {
      balancerProxies[i] = createProxy("nginx-" + nodeId(i), port, nodePort);
    } catch (IOException e) {
      throw new UncheckedIOException("creating the proxy from nginx to " + nodeId(i) + " failed", e);
    }
    return port;
  }

  /** The Toxiproxy API in use, for the report. */
  public String apiUrl() {
    return apiUrl;
  }

  /** Whether the proxies run on a real Toxiproxy rather than the in-JVM server. */
  public boolean realToxiproxy() {
    return ownServer == null;
  }

  /** Cuts node {@code i} off Kafka: its proxies to every broker close their connections and refuse new ones. */
  public void cutFromKafka(int i) {
    for (Proxy p : kafkaProxies[i]) {
      disable(p, nodeId(i) + "'s Kafka link");
    }
  }

  /** Cuts node {@code i} off nginx: nginx's connections to it are closed and new ones refused. */
  public void cutFromBalancer(int i) {
    disable(balancerProxy(i), "nginx's link to " + nodeId(i));
  }

  /** Whether nginx reaches the nodes through these proxies ({@link #balancerPort} was used). */
  public synchronized boolean hasBalancerLinks() {
    for (Proxy p : balancerProxies) {
      if (p == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Cuts broker {@code b} off everyone: no node reaches it, no broker fetches from it, and it and
   * the other controllers no longer reach each other (so it stops heartbeating, is fenced, and
   * its partitions get new leaders). Its own fetches from the other leaders as a follower are
   * left: the controller keeps a fenced broker out of every ISR whatever it fetches.
   */
  public void cutBroker(int b) {
    for (int i = 0; i < nodes; i++) {
      disable(kafkaProxies[i][b], "node " + nodeId(i) + "'s link to kafka-" + (b + 1));
    }
    if (replicationProxies[b] != null) {
      disable(replicationProxies[b], "kafka-" + (b + 1) + "'s replication listener");
    }
    controllerProxies.forEach((pair, p) -> {
      String[] ends = pair.split("->");
      if (Integer.parseInt(ends[0]) == b || Integer.parseInt(ends[1]) == b) {
        disable(p, "the controller link " + pair);
      }
    });
    Proxy inbound = controllerInbound.get(b);
    if (inbound != null) {
      disable(inbound, "kafka-" + (b + 1) + "'s controller listener");
    }
  }

  /** Whether a broker can be cut off (it has peers whose links go through these proxies). */
  public boolean canCutBroker() {
    return brokers > 1;
  }

  /** Delays every reply from Kafka to node {@code i} by {@code millis} (downstream latency). */
  public void delayKafka(int i, long millis) {
    for (Proxy p : kafkaProxies[i]) {
      ProxyFaults.delay(p, nodeId(i), millis);
    }
  }

  /** Restores every link of node {@code i}: enabled, no toxics. */
  public void heal(int i) {
    for (Proxy p : kafkaProxies[i]) {
      ProxyFaults.heal(p, nodeId(i));
    }
    Proxy balancer = balancerProxies[i];
    if (balancer != null) {
      ProxyFaults.heal(balancer, nodeId(i));
    }
  }

  /** Restores every link of broker {@code b}. */
  public void healBroker(int b) {
    for (int i = 0; i < nodes; i++) {
      ProxyFaults.heal(kafkaProxies[i][b], "kafka-" + (b + 1));
    }
    if (replicationProxies[b] != null) {
      ProxyFaults.heal(replicationProxies[b], "kafka-" + (b + 1));
    }
    controllerProxies.forEach((pair, p) -> ProxyFaults.heal(p, "controller link " + pair));
    controllerInbound.values().forEach(p -> ProxyFaults.heal(p, "controller listener"));
  }

  private synchronized Proxy balancerProxy(int i) {
    if (balancerProxies[i] == null) {
      throw new IllegalStateException("nginx does not reach " + nodeId(i) + " through a proxy");
    }
    return balancerProxies[i];
  }

  private static void disable(Proxy p, String what) {
    try {
      p.disable();
    } catch (IOException e) {
      throw new UncheckedIOException("cutting " + what + " failed", e);
    }
  }

  /** Deletes the proxies and stops the in-JVM server if this object started it; idempotent. */
  @Override
  public synchronized void close() {
    List<Proxy> all = new ArrayList<>(controllerProxies.values());
    all.addAll(controllerInbound.values());
    for (Proxy[] row : kafkaProxies) {
      for (Proxy p : row) {
        if (p != null) {
          all.add(p);
        }
      }
    }
    for (Proxy p : balancerProxies) {
      if (p != null) {
        all.add(p);
      }
    }
    for (Proxy p : replicationProxies) {
      if (p != null) {
        all.add(p);
      }
    }
    for (Proxy p : all) {
      try {
        p.delete();
      } catch (IOException | RuntimeException e) {
        LOG.debug("deleting proxy {} failed: {}", p.getName(), e.toString());
      }
    }
    controllerProxies.clear();
    controllerInbound.clear();
    if (ownServer != null) {
      ownServer.close();
    }
  }
}
