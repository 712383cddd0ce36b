/** The benchmark report's pictures: latency percentile curves, replay time against keys, lag. */
package io.logkv.bench.report;
