package io.logkv.chaos.checker;

import io.logkv.chaos.history.FinalState;
import io.logkv.chaos.history.History;
import io.logkv.chaos.history.OpType;
import io.logkv.chaos.history.Operation;
import io.logkv.chaos.history.Outcome;
import io.logkv.chaos.history.Position;
import io.logkv.chaos.history.ReadMode;
import io.logkv.chaos.history.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds synthetic histories for checker tests. Times are in milliseconds from 0 (stored as
 * nanoseconds); positions and token lists are written as in headers ({@code "0:3"},
 * {@code "0:3,1:7"}); a {@code null} value read means absent.
 */
final class Hist {

  private final List<Operation> ops = new ArrayList<>();
  private long nextId = 1;

  static long ms(long millis) {
    return millis * 1_000_000L;
  }

  Hist putOk(int process, String key, String value, long from, long to, String position) {
    return add(process, OpType.PUT, key, value, null, "", from, to, Outcome.OK, position, 200);
  }

  Hist putUnknown(int process, String key, String value, long from, long to) {
    return add(process, OpType.PUT, key, value, null, "", from, to, Outcome.UNKNOWN, null, 0);
  }

  Hist putFail(int process, String key, String value, long from, long to) {
    return add(process, OpType.PUT, key, value, null, "", from, to, Outcome.FAIL, null, 503);
  }

  Hist deleteOk(int process, String key, long from, long to, String position) {
    return add(process, OpType.DELETE, key, null, null, "", from, to, Outcome.OK, position, 204);
  }

  Hist deleteFail(int process, String key, long from, long to) {
    return add(process, OpType.DELETE, key, null, null, "", from, to, Outcome.FAIL, null, 503);
  }

  Hist deleteUnknown(int process, String key, long from, long to) {
    return add(process, OpType.DELETE, key, null, null, "", from, to, Outcome.UNKNOWN, null, 0);
  }

  /** An answered DEFAULT read. */
  Hist get(int process, String key, long from, long to, String value, String version) {
    return read(process, key, ReadMode.DEFAULT, "", from, to, value, version);
  }

  /** An answered TOKEN read that sent {@code tokens}. */
  Hist token(int process, String key, String tokens, long from, long to, String value,
      String version) {
    return read(process, key, ReadMode.TOKEN, tokens, from, to, value, version);
  }

  /** An answered STRONG read. */
  Hist strong(int process, String key, long from, long to, String value, String version) {
    return read(process, key, ReadMode.STRONG, "", from, to, value, version);
  }

  Hist read(int process, String key, ReadMode mode, String tokens, long from, long to,
      String value, String version) {
    return add(process, OpType.GET, key, value, mode, tokens, from, to, Outcome.OK, version,
        value == null ? 404 : 200);
  }

  Hist failedRead(int process, String key, ReadMode mode, long from, long to, Outcome outcome) {
    return add(process, OpType.GET, key, null, mode, "", from, to, outcome, null,
        outcome == Outcome.FAIL ? 503 : 0);
  }

  private Hist add(int process, OpType type, String key, String value, ReadMode mode,
      String tokens, long from, long to, Outcome outcome, String position, int status) {
    ops.add(new Operation(nextId++, process, type, key, value, mode, Position.parseList(tokens),
        ms(from), ms(to), outcome, position == null ? null : Position.parse(position), status,
        "n" + (1 + process % 3)));
    return this;
  }

  /** The operation with that id (ids count from 1 in the order added). */
  Operation op(long id) {
    return ops.get((int) id - 1);
  }

  History history() {
    return History.of(0, ops, List.of());
  }

  CheckResult check(FinalState... finals) {
    return Checker.check(history(), List.of(finals));
  }

  /** A node's final state from entries like {@code "k=v@0:3"}; its digest is left out. */
  static FinalState node(String name, String... entries) {
    return nodeWithDigest(name, null, entries);
  }

  static FinalState nodeWithDigest(String name, String digest, String... entries) {
    Map<String, Versioned> map = new HashMap<>();
    for (String e : entries) {
      int eq = e.indexOf('=');
      int at = e.lastIndexOf('@');
      map.put(e.substring(0, eq),
          new Versioned(e.substring(eq + 1, at), Position.parse(e.substring(at + 1))));
    }
    return new FinalState(name, map, digest);
  }

  /** Three nodes in the same final state. */
  static FinalState[] nodes(String... entries) {
    return new FinalState[] {node("n1", entries), node("n2", entries), node("n3", entries)};
  }
}
