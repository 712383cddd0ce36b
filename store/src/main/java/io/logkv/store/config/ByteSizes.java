package io.logkv.store.config;

/** Parses sizes: {@code 1048576}, {@code 512KiB}, {@code 1MiB}, {@code 2GiB} (also KB/MB/GB as binary units). */
public final class ByteSizes {
  private ByteSizes() {}

  public static long parse(String text) {
    String t = text.strip();
    int unitAt = 0;
    while (unitAt < t.length() && Character.isDigit(t.charAt(unitAt))) {
      unitAt++;
    }
    if (unitAt == 0 || unitAt > 15) {
      throw new IllegalArgumentException("not a size: '" + text + "' (expected e.g. 1048576, 512KiB, 1MiB, 2GiB)");
    }
    long n = Long.parseLong(t.substring(0, unitAt));
    long unit =
        switch (t.substring(unitAt).toLowerCase(java.util.Locale.ROOT)) {
          case "", "b" -> 1;
          case "k", "kb", "kib" -> 1L << 10;
          case "m", "mb", "mib" -> 1L << 20;
          case "g", "gb", "gib" -> 1L << 30;
          default -> throw new IllegalArgumentException("not a size: '" + text + "' (units: KiB, MiB, GiB)");
        };
    return Math.multiplyExact(n, unit);
  }

  public static String format(long bytes) {
    if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "GiB";
    }
    if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return Long.toString(bytes);
  }
}
