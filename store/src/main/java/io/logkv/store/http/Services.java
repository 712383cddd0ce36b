package io.logkv.store.http;

import io.logkv.store.cache.Cache;
import io.logkv.store.config.NodeConfig;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.EndOffsets;
import io.logkv.store.log.LogWriter;
import io.logkv.store.metrics.NodeMetrics;
import java.time.InstantSource;

/** The node's parts the handlers work with; built once in {@code Node}. */
public record Services(
    NodeConfig config,
    Cache cache,
    AppliedPositions positions,
    LogWriter writer,
    EndOffsets endOffsets,
    InstantSource clock,
    NodeMetrics metrics,
    NodeView node) {}
