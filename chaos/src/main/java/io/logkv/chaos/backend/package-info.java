/**
 * Where a chaos run's cluster comes from: a {@link io.logkv.chaos.backend.Backend} starts a
 * {@link io.logkv.chaos.backend.ChaosCluster} (broker, nodes, nginx, a Kafka link proxy per node)
 * and exposes the process faults a scenario injects. {@code local} runs child processes through
 * the cluster library; it is the default and the only backend so far.
 */
package io.logkv.chaos.backend;
