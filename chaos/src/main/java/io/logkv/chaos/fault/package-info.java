/**
 * Network faults on each node's link to Kafka, injected through the Toxiproxy HTTP API with the
 * toxiproxy-java client: a real Toxiproxy when {@code TOXIPROXY_URL} names one, else the
 * project's in-JVM server. Process faults (kill, pause, restart) belong to the backend.
 */
package io.logkv.chaos.fault;
