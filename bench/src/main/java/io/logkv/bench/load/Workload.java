package io.logkv.bench.load;

import java.nio.charset.StandardCharsets;

/**
 * What to send: a GET/PUT/DELETE mix over {@code keys} keys with {@code valueBytes}-byte values,
 * on {@code path} + key (e.g. {@code /keys/k}). Deterministic: request {@code n} is always the
 * same, so two runs (or two targets) get the same sequence.
 *
 * @param getPercent share of GETs, 0..100
 * @param putPercent share of PUTs; the rest are DELETEs
 */
public record Workload(String pathPrefix, int keys, int valueBytes, int getPercent, int putPercent) {

  public Workload {
    if (getPercent < 0 || putPercent < 0 || getPercent + putPercent > 100 || keys < 1 || valueBytes < 0) {
      throw new IllegalArgumentException("bad workload: " + getPercent + "% get, " + putPercent + "% put, " + keys + " keys");
    }
  }

  /** The same GET for every request: for a server that answers a fixed reply. */
  public static Workload fixedGet(String path) {
    return new Workload(path, 1, 0, 100, 0);
  }

  /** The method of request {@code n}. */
  public String method(long n) {
    int slot = (int) (n % 100);
    return slot < getPercent ? "GET" : slot < getPercent + putPercent ? "PUT" : "DELETE";
  }

  /** A prime: multiplying by it modulo {@code keys} permutes the key space (it divides no key count here). */
  private static final long STRIDE = 2_654_435_761L;

  /**
   * The key of request {@code n}: a scrambled walk that visits every key once in each run of
   * {@code keys} consecutive requests.
   */
  public int key(long n) {
    return (int) ((n % keys) * (STRIDE % keys) % keys);
  }

  /** The whole request {@code n}, ready to write. */
  public byte[] request(long n, String host) {
    String method = method(n);
    String path = keys == 1 && valueBytes == 0 ? pathPrefix : pathPrefix + key(n);
    StringBuilder head = new StringBuilder(96)
        .append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    boolean body = method.equals("PUT");
    if (body) {
      head.append("Content-Length: ").append(valueBytes).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
    if (!body) {
      return h;
    }
    byte[] all = new byte[h.length + valueBytes];
    System.arraycopy(h, 0, all, 0, h.length);
    for (int i = h.length; i < all.length; i++) {
      all[i] = (byte) ('a' + (i % 26));
    }
    return all;
  }

  /** Whether {@code status} is a success for request {@code n}: a GET of an absent key (404) is. */
  public boolean isSuccess(long n, int status) {
    return status < 300 || (status == 404 && method(n).equals("GET"));
  }
}
