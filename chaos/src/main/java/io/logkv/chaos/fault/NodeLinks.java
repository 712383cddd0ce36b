package io.logkv.chaos.fault;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.logkv.chaos.toxiproxy.ToxiproxyServer;
import io.logkv.kafkalocal.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Toxiproxy proxies on each node's two links, so that one node can be cut or slowed while the
 * others keep theirs: its link to Kafka (between the node and its own broker listener) and
 * nginx's link to it.
 *
 * <p>Create it before the cluster: the broker binds {@link #brokerPort(int)} for node {@code i}
 * and advertises {@link #proxyPort(int)}, where the node bootstraps; nginx is given {@link
 * #balancerPort(int, int)} for the node instead of the node's own port. Every port stays fixed for
 * the run, so the proxies survive node and broker restarts.
 */
public final class NodeLinks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLinks.class);

  private final ToxiproxyServer ownServer; // null when a real Toxiproxy is used
  private final String apiUrl;
  private final ToxiproxyClient client;
  private final List<Proxy> kafkaProxies = new ArrayList<>();
  private final Proxy[] balancerProxies;
  private final int[] brokerPorts;
  private final int[] proxyPorts;

  private NodeLinks(ToxiproxyServer ownServer, String apiUrl, ToxiproxyClient client, int nodes) {
    this.ownServer = ownServer;
    this.apiUrl = apiUrl;
    this.client = client;
    this.balancerProxies = new Proxy[nodes];
    this.brokerPorts = new int[nodes];
    this.proxyPorts = new int[nodes];
    try {
      for (int i = 0; i < nodes; i++) {
        brokerPorts[i] = FreePorts.next();
        proxyPorts[i] = FreePorts.next();
        kafkaProxies.add(createProxy("kafka-" + nodeId(i), proxyPorts[i], brokerPorts[i]));
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("creating the Kafka link proxies through " + apiUrl + " failed", e);
    }
  }

  /**
   * Proxies for {@code nodes} nodes on a real Toxiproxy when the environment variable
   * {@code TOXIPROXY_URL} (e.g. {@code http://127.0.0.1:8474}) is set, else on an in-JVM server
   * that this object stops on {@link #close()}.
   */
  public static NodeLinks create(int nodes) {
    String url = System.getenv("TOXIPROXY_URL");
    if (url != null && !url.isBlank()) {
      URI uri = URI.create(url.strip());
      LOG.info("node links through the Toxiproxy at {}", uri);
      return new NodeLinks(null, uri.toString(), new ToxiproxyClient(uri.getHost(), uri.getPort()), nodes);
    }
    ToxiproxyServer server = ToxiproxyServer.start(0);
    LOG.info("node links through the in-JVM Toxiproxy API server at {}", server.url());
    return new NodeLinks(server, server.url(), new ToxiproxyClient("127.0.0.1", server.port()), nodes);
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

  /** Where the broker listens for node {@code i}'s traffic (the proxy's upstream). */
  public int brokerPort(int i) {
    return brokerPorts[i];
  }

  /** Where node {@code i} reaches Kafka: its proxy, advertised by the broker. */
  public int proxyPort(int i) {
    return proxyPorts[i];
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

  /** Cuts node {@code i} off Kafka: the proxy closes its connections and refuses new ones. */
  public void cutFromKafka(int i) {
    disable(kafkaProxies.get(i), nodeId(i) + "'s Kafka link");
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

  /** Delays every reply from Kafka to node {@code i} by {@code millis} (downstream latency). */
  public void delayKafka(int i, long millis) {
    ProxyFaults.delay(kafkaProxies.get(i), nodeId(i), millis);
  }

  /** Restores both of node {@code i}'s links: enabled, no toxics. */
  public void heal(int i) {
    ProxyFaults.heal(kafkaProxies.get(i), nodeId(i));
    Proxy balancer = balancerProxies[i];
    if (balancer != null) {
      ProxyFaults.heal(balancer, nodeId(i));
    }
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
    List<Proxy> all = new ArrayList<>(kafkaProxies);
    for (Proxy p : balancerProxies) {
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
    kafkaProxies.clear();
    Arrays.fill(balancerProxies, null);
    if (ownServer != null) {
      ownServer.close();
    }
  }
}
