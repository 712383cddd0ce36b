/**
 * {@code logkv-bench.jar}: end-to-end benchmarks (load, HTTP ceiling, replay, replication lag,
 * start to ready) on real processes, and the report that puts each figure beside its peer or
 * ceiling measured in the same run: wrk for closed-model HTTP, Redis through redis-benchmark,
 * Kafka's EndToEndLatency and ProducerPerformance, nginx answering a fixed reply.
 */
package io.logkv.bench;
