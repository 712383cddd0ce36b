/**
 * A Java client for logkv, on the JDK's {@link java.net.http.HttpClient} and nothing else.
 * {@link io.logkv.client.LogkvClient} is the entry point: typed results, read-your-writes through
 * a {@link io.logkv.client.Session}, failover over several base URLs with bounded retries that
 * never repeat a write whose outcome is unknown, and, against a sharded cluster, routing of each
 * key straight to an owner of its partition.
 */
package io.logkv.client;
