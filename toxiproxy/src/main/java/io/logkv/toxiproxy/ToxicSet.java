package io.logkv.toxiproxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The toxics of one proxy, in the order they were added, and the links they act on.
 *
 * <p>Changes happen under this object's lock; each one publishes fresh immutable chains, one per
 * direction, and wakes every subscribed link so that toxics act on open connections too. Links
 * read the chains without locking.
 */
final class ToxicSet {

  private final Map<String, Toxic> byName = new LinkedHashMap<>(); // guarded by this
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private volatile List<Toxic> upstream = List.of();
  private volatile List<Toxic> downstream = List.of();

  /** The toxics acting on {@code direction} now, in order. */
  List<Toxic> chain(Direction direction) {
    return direction == Direction.UPSTREAM ? upstream : downstream;
  }

  /** Upstream chain first, then downstream, as Toxiproxy lists them. */
  synchronized List<ToxicSpec> specs() {
    List<ToxicSpec> specs = new ArrayList<>();
    upstream.forEach(toxic -> specs.add(toxic.spec()));
    downstream.forEach(toxic -> specs.add(toxic.spec()));
    return specs;
  }

  synchronized ToxicSpec get(String name) {
    return find(name).spec();
  }

  synchronized ToxicSpec add(ToxicSpec spec) {
    if (byName.containsKey(spec.name())) {
      throw ApiException.conflict("toxic already exists: " + spec.name());
    }
    byName.put(spec.name(), new Toxic(spec));
    publish();
    return spec;
  }

  synchronized ToxicSpec update(String name, UnaryOperator<ToxicSpec> change) {
    Toxic toxic = find(name);
    toxic.update(change.apply(toxic.spec()));
    publish();
    return toxic.spec();
  }

  synchronized void remove(String name) {
    Toxic toxic = find(name);
    byName.remove(name);
    toxic.markRemoved();
    publish();
  }

  synchronized void clear() {
    byName.values().forEach(Toxic::markRemoved);
    byName.clear();
    publish();
  }

  void subscribe(Link link) {
    links.add(link);
  }

  void unsubscribe(Link link) {
    links.remove(link);
  }

  private Toxic find(String name) {
    Toxic toxic = byName.get(name);
    if (toxic == null) {
      throw ApiException.notFound("toxic not found: " + name);
    }
    return toxic;
  }

  private void publish() {
    List<Toxic> up = new ArrayList<>();
    List<Toxic> down = new ArrayList<>();
    for (Toxic toxic : byName.values()) {
      (toxic.stream() == Direction.UPSTREAM ? up : down).add(toxic);
    }
    upstream = List.copyOf(up);
    downstream = List.copyOf(down);
    links.forEach(Link::toxicsChanged);
  }
}
