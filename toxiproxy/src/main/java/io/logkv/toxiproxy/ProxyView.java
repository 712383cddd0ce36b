package io.logkv.toxiproxy;

import java.util.List;

/** A proxy as the API shows it; the client reads name, listen, upstream and enabled. */
record ProxyView(
    String name, String listen, String upstream, boolean enabled, List<ToxicSpec> toxics) {}
