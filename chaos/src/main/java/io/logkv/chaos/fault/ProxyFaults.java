package io.logkv.chaos.fault;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The faults made on one node's Kafka proxy, whichever Toxiproxy server holds it. */
public final class ProxyFaults {
  private ProxyFaults() {}

  /** Delays every reply from Kafka to {@code nodeId} by {@code millis} (downstream latency). */
  public static void delay(Proxy proxy, String nodeId, long millis) {
    try {
      proxy.toxics().latency("slow-" + nodeId, ToxicDirection.DOWNSTREAM, millis);
    } catch (IOException e) {
      throw new UncheckedIOException("slowing " + nodeId + "'s Kafka link failed", e);
    }
  }

  /** Restores the proxy: enabled, no toxics. */
  public static void heal(Proxy proxy, String nodeId) {
    try {
      for (Toxic t : proxy.toxics().getAll()) {
        t.remove();
      }
      proxy.enable();
    } catch (IOException e) {
      throw new UncheckedIOException("healing " + nodeId + "'s Kafka link failed", e);
    }
  }
}
