/** JMH benchmarks of the cache core, each against a raw ConcurrentHashMap in the same run. */
package io.logkv.bench.cache;
