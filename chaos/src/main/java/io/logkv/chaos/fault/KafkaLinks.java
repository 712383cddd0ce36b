package io.logkv.chaos.fault;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.logkv.chaos.toxiproxy.ToxiproxyServer;
import io.logkv.kafkalocal.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Toxiproxy proxy per node between the node and its own broker listener, so that one node's
 * link to Kafka can be cut or slowed while the others keep theirs.
 *
 * <p>Create it before the cluster: the broker binds {@link #brokerPort(int)} for node {@code i}
 * and advertises {@link #proxyPort(int)}, where the node bootstraps. Both ports stay fixed for the
 * run, so the proxies survive node and broker restarts.
 */
public final class KafkaLinks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLinks.class);

  private final ToxiproxyServer ownServer; // null when a real Toxiproxy is used
  private final String apiUrl;
  private final List<Proxy> proxies = new ArrayList<>();
  private final int[] brokerPorts;
  private final int[] proxyPorts;

  private KafkaLinks(ToxiproxyServer ownServer, String apiUrl, ToxiproxyClient client, int nodes) {
    this.ownServer = ownServer;
    this.apiUrl = apiUrl;
    this.brokerPorts = new int[nodes];
    this.proxyPorts = new int[nodes];
    try {
      for (int i = 0; i < nodes; i++) {
        brokerPorts[i] = FreePorts.next();
        proxyPorts[i] = FreePorts.next();
        String name = "kafka-" + nodeId(i);
        Proxy stale = client.getProxyOrNull(name);
        if (stale != null) {
          stale.delete(); // left over from an earlier run against the same real Toxiproxy
        }
        proxies.add(client.createProxy(name, "127.0.0.1:" + proxyPorts[i], "127.0.0.1:" + brokerPorts[i]));
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
  public static KafkaLinks create(int nodes) {
    String url = System.getenv("TOXIPROXY_URL");
    if (url != null && !url.isBlank()) {
      URI uri = URI.create(url.strip());
      LOG.info("Kafka links through the Toxiproxy at {}", uri);
      return new KafkaLinks(null, uri.toString(), new ToxiproxyClient(uri.getHost(), uri.getPort()), nodes);
    }
    ToxiproxyServer server = ToxiproxyServer.start(0);
    LOG.info("Kafka links through the in-JVM Toxiproxy API server at {}", server.url());
    return new KafkaLinks(server, server.url(), new ToxiproxyClient("127.0.0.1", server.port()), nodes);
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

  /** The Toxiproxy API in use, for the report. */
  public String apiUrl() {
    return apiUrl;
  }

  /** Whether the proxies run on a real Toxiproxy rather than the in-JVM server. */
  public boolean realToxiproxy() {
    return ownServer == null;
  }

  /** Cuts node {@code i} off Kafka: the proxy closes its connections and refuses new ones. */
  public void cut(int i) {
    try {
      proxies.get(i).disable();
    } catch (IOException e) {
      throw new UncheckedIOException("cutting " + nodeId(i) + "'s Kafka link failed", e);
    }
  }

  /** Delays every reply from Kafka to node {@code i} by {@code millis} (downstream latency). */
  public void delay(int i, long millis) {
    try {
      proxies.get(i).toxics().latency("slow-" + nodeId(i), ToxicDirection.DOWNSTREAM, millis);
    } catch (IOException e) {
      throw new UncheckedIOException("slowing " + nodeId(i) + "'s Kafka link failed", e);
    }
  }

  /** Restores node {@code i}'s link: enabled, no toxics. */
  public void heal(int i) {
    Proxy p = proxies.get(i);
    try {
      for (Toxic t : p.toxics().getAll()) {
        t.remove();
      }
      p.enable();
    } catch (IOException e) {
      throw new UncheckedIOException("healing " + nodeId(i) + "'s Kafka link failed", e);
    }
  }

  /** Deletes the proxies and stops the in-JVM server if this object started it; idempotent. */
  @Override
  public synchronized void close() {
    for (Proxy p : proxies) {
      try {
        p.delete();
      } catch (IOException | RuntimeException e) {
        LOG.debug("deleting proxy {} failed: {}", p.getName(), e.toString());
      }
    }
    proxies.clear();
    if (ownServer != null) {
      ownServer.close();
    }
  }
}
