package io.logkv.chaos.workload;

import java.time.Duration;

/**
 * How hard and where a workload pushes.
 *
 * @param threads client threads (processes), each issuing one operation at a time
 * @param keys size of the hot key set
 * @param keyPrefix every key starts with it, so runs sharing a cluster keep apart
 * @param think pause after each operation of a thread, to leave the 2-core machine some air
 * @param maxOpsPerThread a thread stops after this many operations even if not told to
 * @param maxDuration a thread stops after this long even if not told to
 */
public record WorkloadSpec(
    int threads, int keys, String keyPrefix, Duration think, long maxOpsPerThread, Duration maxDuration) {

  public WorkloadSpec {
    if (threads < 1 || keys < 1 || maxOpsPerThread < 1) {
      throw new IllegalArgumentException("threads, keys and maxOpsPerThread must be positive");
    }
    if (!keyPrefix.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("key prefix must be lower case letters, digits and '-': " + keyPrefix);
    }
  }

  /** The suite's default: 4 threads over 12 keys, 3 ms think time, at most 2 minutes. */
  public static WorkloadSpec hotKeys(String keyPrefix) {
    return new WorkloadSpec(4, 12, keyPrefix, Duration.ofMillis(3), 200_000, Duration.ofMinutes(2));
  }

  public String key(int i) {
    return keyPrefix + "-k" + i;
  }
}
