/**
 * What a chaos run leaves in {@code results/chaos/}: one JSON result and one PNG timeline
 * (throughput and p99 latency per 250 ms, fault windows marked) per scenario, and REPORT.md, one
 * table over every result file present, regenerated at the end of each run.
 */
package io.logkv.chaos.report;
