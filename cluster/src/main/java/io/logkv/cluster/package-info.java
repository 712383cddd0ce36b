/**
 * A logkv cluster on one machine, as processes: a Kafka broker in KRaft mode, N nodes and nginx.
 * {@link io.logkv.cluster.LocalCluster} is the library the benchmarks and the chaos suite use;
 * {@link io.logkv.cluster.ClusterMain} is the {@code up} command users run.
 */
package io.logkv.cluster;
