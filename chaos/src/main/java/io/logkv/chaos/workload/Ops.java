package io.logkv.chaos.workload;

import io.logkv.chaos.history.History;
import io.logkv.chaos.history.Invocation;
import io.logkv.chaos.history.Operation;
import io.logkv.chaos.history.Position;
import io.logkv.chaos.history.ReadMode;
import java.util.List;

/**
 * Sends one key operation and records it in the history: the one place that decides what an HTTP
 * answer means for the checker.
 *
 * <p>A write is OK on 200, 202 (durable, not yet applied on that node) and 204, at the position it
 * returned. It FAILs only when certainly not applied: a 4xx, or, from a node asked directly, a 503
 * whose body says {@code not_applied} or {@code not_ready}. Through nginx the same 503 is UNKNOWN:
 * nginx may have sent the write to another node first, whose attempt timed out or died with the
 * outcome unknown, and it passes on only the last node's answer. Anything else is UNKNOWN. A read
 * is OK on 200 (value and {@code ETag}) and 404 (absent), else it FAILs (a failed read says
 * nothing).
 */
public final class Ops {
  private final History history;
  private final KvClient client;
  private final boolean throughBalancer;
  private final ErrorCounts errors;

  /**
   * @param throughBalancer whether {@code client} talks to nginx (which retries on other nodes)
   *     rather than to one node
   */
  public Ops(History history, KvClient client, boolean throughBalancer, ErrorCounts errors) {
    this.history = history;
    this.client = client;
    this.throughBalancer = throughBalancer;
    this.errors = errors;
  }

  /** A recorded operation and the answer it came from. */
  public record Done(Operation op, Reply reply) {}

  public Done put(int process, String key, String value, Session session) {
    Invocation inv = history.invokePut(process, key, value);
    return write(inv, client.put(key, value), session);
  }

  public Done delete(int process, String key, Session session) {
    Invocation inv = history.invokeDelete(process, key);
    return write(inv, client.delete(key), session);
  }

  /** A read; a TOKEN read sends {@code session}'s token. */
  public Done get(int process, String key, ReadMode mode, Session session) {
    List<Position> tokens = mode == ReadMode.TOKEN ? session.token() : List.of();
    Invocation inv = history.invokeGet(process, key, mode, tokens);
    Reply r = client.get(key, mode, tokens);
    Operation op;
    if (r.status() == 200) {
      Position version = r.etag() == null ? null : Position.parse(r.etag());
      op = inv.okRead(r.body(), version, 200, r.servedBy());
      session.saw(version);
    } else if (r.status() == 404) {
      op = inv.okRead(null, null, 404, r.servedBy());
    } else {
      errors.add(r.errorKind());
      op = inv.fail(r.status(), r.servedBy());
    }
    return new Done(op, r);
  }

  private Done write(Invocation inv, Reply r, Session session) {
    int s = r.status();
    Position position = r.logPosition() == null ? null : Position.parse(r.logPosition());
    Operation op;
    if ((s == 200 || s == 202 || s == 204) && position != null) {
      op = inv.ok(position, s, r.servedBy());
      session.saw(position);
    } else {
      errors.add(r.errorKind());
      op = certainlyNotApplied(r) ? inv.fail(s, r.servedBy()) : inv.unknown(s, r.servedBy());
    }
    return new Done(op, r);
  }

  private boolean certainlyNotApplied(Reply r) {
    int s = r.status();
    if (s >= 400 && s < 500) {
      return true;
    }
    if (s != 503 || throughBalancer) {
      return false;
    }
    return "not_applied".equals(r.jsonField("outcome")) || "not_ready".equals(r.jsonField("error"));
  }
}
