/**
 * {@code logkv-bench.jar}: end-to-end benchmarks (load, HTTP ceiling, replay, replication lag) on
 * real processes, and the report that puts each figure beside the ceiling it chases, measured in
 * the same run.
 */
package io.logkv.bench;
