package io.logkv.chaos.history;

import java.util.Objects;

/** A key's state on a node: its value and the position of the record that wrote it. */
public record Versioned(String value, Position position) {

  public Versioned {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(position, "position");
  }

  @Override
  public String toString() {
    return Operation.quote(value) + "@" + position;
  }
}
