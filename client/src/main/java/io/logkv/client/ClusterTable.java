package io.logkv.client;

import io.logkv.client.Json.JsonException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The owner table of a sharded cluster, as {@code GET /cluster} answers it. Every field name the
 * client reads is a constant here, the one place to match with the server:
 *
 * <pre>{@code
 * {"members":[{"id":"n1","url":"http://127.0.0.1:8081"},{"id":"n2","url":"http://127.0.0.1:8082"}],
 *  "replicas":2,
 *  "partitions":24,
 *  "partitioner":"murmur2",
 *  "owners":[["n1","n2"],["n2","n1"],...]}
 * }</pre>
 *
 * {@code owners[p]} lists the owners of partition p in the order the client tries them. Fields the
 * client does not know are ignored, so the server may add some (e.g. which owners are ready).
 * A cluster that is not sharded answers 404.
 */
final class ClusterTable {
  static final String PATH = "/cluster";
  static final String MEMBERS = "members";
  static final String MEMBER_ID = "id";
  static final String MEMBER_URL = "url";
  static final String REPLICAS = "replicas";
  static final String PARTITIONS = "partitions";
  static final String PARTITIONER = "partitioner";
  static final String OWNERS = "owners";
  /** The only partition function this client can compute. */
  static final String MURMUR2 = "murmur2";

  /** More partitions than this is taken for a broken answer. */
  static final int MAX_PARTITIONS = 100_000;

  private final Map<String, URI> members;
  private final int replicas;
  private final List<List<URI>> owners;

  private ClusterTable(Map<String, URI> members, int replicas, List<List<URI>> owners) {
    this.members = members;
    this.replicas = replicas;
    this.owners = owners;
  }

  /**
   * Reads and checks a {@code /cluster} body.
   *
   * @throws JsonException naming what is wrong: not JSON, a field missing or of the wrong type, a
   *     partitioner other than murmur2, an owner that is not a member, an owner list per partition
   *     that does not match the partition count
   */
  /**
   * Whether the document says the cluster is not sharded ({@code "sharded": false}: a member list
   * with every node a full copy). Documents without the field are read as sharded.
   */
  static boolean fullCopy(String body) {
    Object sharded = Json.parseObject(body).get("sharded");
    return Boolean.FALSE.equals(sharded);
  }

  static ClusterTable parse(String body) {
    Map<String, Object> root = Json.parseObject(body);
    Map<String, URI> members = new LinkedHashMap<>();
    for (Object m : Json.array(root, MEMBERS)) {
      Map<String, Object> member = Json.object(m, "a member");
      String id = Json.string(member, MEMBER_ID);
      URI url = Endpoints.parse(Json.string(member, MEMBER_URL), "member " + id + "'s url");
      if (members.put(id, url) != null) {
        throw new JsonException("member '" + id + "' is listed twice");
      }
    }
    if (members.isEmpty()) {
      throw new JsonException("the member list is empty");
    }
    long replicas = Json.integer(root, REPLICAS);
    if (replicas < 1) {
      throw new JsonException("replicas must be at least 1, not " + replicas);
    }
    long partitions = Json.integer(root, PARTITIONS);
    if (partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new JsonException("partitions must be from 1 to " + MAX_PARTITIONS + ", not " + partitions);
    }
    String partitioner = Json.string(root, PARTITIONER);
    if (!MURMUR2.equals(partitioner)) {
      throw new JsonException("partitioner '" + partitioner + "' is not one this client computes (" + MURMUR2 + ")");
    }
    List<Object> ownerLists = Json.array(root, OWNERS);
    if (ownerLists.size() != partitions) {
      throw new JsonException(
          "owners lists " + ownerLists.size() + " partitions, but there are " + partitions);
    }
    List<List<URI>> owners = new ArrayList<>(ownerLists.size());
    for (int p = 0; p < ownerLists.size(); p++) {
      if (!(ownerLists.get(p) instanceof List<?> ids) || ids.isEmpty()) {
        throw new JsonException("owners of partition " + p + " must be a non-empty array of member ids");
      }
      List<URI> urls = new ArrayList<>(ids.size());
      Set<String> seen = new HashSet<>();
      for (Object id : ids) {
        URI url = id instanceof String s ? members.get(s) : null;
        if (url == null || !seen.add((String) id)) {
          throw new JsonException("owners of partition " + p + " name " + id + ", not a member once");
        }
        urls.add(url);
      }
      owners.add(List.copyOf(urls));
    }
    return new ClusterTable(Collections.unmodifiableMap(members), (int) replicas, List.copyOf(owners));
  }

  int partitions() {
    return owners.size();
  }

  int replicas() {
    return replicas;
  }

  /** The partition of a key, given its UTF-8 bytes. */
  int partitionOf(byte[] keyUtf8) {
    return Murmur2.partition(keyUtf8, owners.size());
  }

  /** The owners of {@code partition}, in the order to try them. */
  List<URI> owners(int partition) {
    return owners.get(partition);
  }

  /** Every member's URL, in the table's order. */
  Collection<URI> memberUrls() {
    return members.values();
  }

  @Override
  public String toString() {
    return "ClusterTable[" + members.size() + " members, " + owners.size() + " partitions, R=" + replicas + "]";
  }
}
