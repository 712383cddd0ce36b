/**
 * An HTTP/1.1 load generator on java.nio: keep-alive connections with one request in flight on
 * each, an open model (constant rate, latency measured from when each request was due, so a
 * stalled server cannot hide its stall: no coordinated omission) and a closed model (as fast as
 * answers come), with latencies in HdrHistogram.
 */
package io.logkv.bench.load;
