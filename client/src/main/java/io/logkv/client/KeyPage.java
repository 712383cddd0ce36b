package io.logkv.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of {@link LogkvClient#list}: live keys in ascending order ({@link String#compareTo}, as
 * the server sorts them).
 *
 * @param keys the keys of this page, at most the limit asked for
 * @param next the cursor for the next page (pass it as {@code after}); empty when this page is the
 *     last
 */
public record KeyPage(List<String> keys, Optional<String> next) {
  public KeyPage {
    keys = List.copyOf(keys);
    Objects.requireNonNull(next, "next");
  }
}
