// Sends a request for a key straight to the owners of the key's partition (sharded mode): the same
// partition function as the nodes (Kafka's murmur2 of the key's UTF-8 bytes, made positive,
// modulo the partition count) and, per partition, the upstream group of its owners that the
// launcher rendered below. Anything it cannot place (not a key route, a malformed or non-ASCII
// path) goes round robin over every node: the nodes forward.
var PARTITIONS = /*PARTITIONS*/0;
var OWNER_GROUPS = /*OWNER_GROUPS*/[];

function murmur2(bytes) {
    var m = 0x5bd1e995;
    var len = bytes.length;
    var h = (0x9747b28c ^ len) | 0;
    var i = 0;
    for (; i + 4 <= len; i += 4) {
        var k = (bytes[i] & 0xff) | ((bytes[i + 1] & 0xff) << 8) | ((bytes[i + 2] & 0xff) << 16)
            | ((bytes[i + 3] & 0xff) << 24);
        k = Math.imul(k, m);
        k ^= k >>> 24;
        k = Math.imul(k, m);
        h = Math.imul(h, m);
        h ^= k;
    }
    switch (len % 4) {
        case 3: h ^= (bytes[i + 2] & 0xff) << 16;
        case 2: h ^= (bytes[i + 1] & 0xff) << 8;
        case 1: h ^= bytes[i] & 0xff;
            h = Math.imul(h, m);
    }
    h ^= h >>> 13;
    h = Math.imul(h, m);
    h ^= h >>> 15;
    return h | 0;
}

// The key's bytes from its percent-encoded path segment, or null.
function keyBytes(raw) {
    var out = [];
    for (var i = 0; i < raw.length; i++) {
        var c = raw.charCodeAt(i);
        if (c === 37) {
            var hex = raw.substr(i + 1, 2);
            if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
                return null;
            }
            out.push(parseInt(hex, 16));
            i += 2;
        } else if (c < 128) {
            out.push(c);
        } else {
            return null;
        }
    }
    return out.length > 0 ? out : null;
}

function keyOf(r) {
    var uri = r.variables.request_uri;
    var q = uri.indexOf('?');
    var path = q < 0 ? uri : uri.substring(0, q);
    if (path.indexOf('/keys/') === 0) {
        var rest = path.substring(6);
        if (r.method === 'POST' && rest.length > 4 && rest.substring(rest.length - 4) === '/ttl') {
            rest = rest.substring(0, rest.length - 4);
        }
        return rest;
    }
    if (path.indexOf('/api/cache/') === 0) {
        var key = path.substring(11);
        return key.charAt(key.length - 1) === '/' ? key.substring(0, key.length - 1) : key;
    }
    return null;
}

function upstream(r) {
    var group = r.variables.logkv_group;
    var raw = keyOf(r);
    var bytes = raw === null ? null : keyBytes(raw);
    if (bytes === null || PARTITIONS === 0) {
        return group;
    }
    var p = (murmur2(bytes) & 0x7fffffff) % PARTITIONS;
    return group + '_owners' + OWNER_GROUPS[p];
}

export default { upstream, murmur2 };
