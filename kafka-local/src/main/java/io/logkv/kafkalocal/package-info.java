/**
 * Real servers as supervised child processes: a single-node Kafka broker in KRaft mode, and the
 * process handling (start, SIGTERM, SIGKILL, SIGSTOP/SIGCONT, captured output, orphan protection)
 * that the local cluster, the benchmarks and the chaos suite build on. Nothing here is ever on a
 * production node's classpath.
 */
package io.logkv.kafkalocal;
