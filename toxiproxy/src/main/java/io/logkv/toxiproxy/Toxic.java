package io.logkv.toxiproxy;

/**
 * One toxic as the links see it: a fixed identity whose settings may change, and be re-read, while
 * links hold data for it. Settings are replaced whole and read without locks.
 */
final class Toxic {

  private volatile ToxicSpec spec;
  private volatile boolean removed;

  Toxic(ToxicSpec spec) {
    this.spec = spec;
  }

  ToxicSpec spec() {
    return spec;
  }

  String name() {
    return spec.name();
  }

  ToxicType type() {
    return spec.type();
  }

  Direction stream() {
    return spec.stream();
  }

  double toxicity() {
    return spec.toxicity();
  }

  long attribute(String key) {
    return spec.attribute(key);
  }

  /** Only toxicity and attributes change; name, type and stream stay those of the first spec. */
  void update(ToxicSpec next) {
    ToxicSpec current = spec;
    spec = current.withToxicity(next.toxicity()).withAttributes(next.attributes());
  }

  boolean isRemoved() {
    return removed;
  }

  void markRemoved() {
    removed = true;
  }
}
