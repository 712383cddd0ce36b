package io.logkv.store.shard;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A member of a sharded cluster: its id (the node's {@code --node-id}) and the base URL other
 * nodes and clients reach it at.
 */
public record Member(String id, URI url) {

  public Member {
    if (!id.matches("[a-zA-Z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("a member id is 1..64 of [a-zA-Z0-9._-], not '" + id + "'");
    }
    String scheme = url.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null) {
      throw new IllegalArgumentException("member " + id + ": '" + url + "' is not an http(s) URL with a host");
    }
  }

  /**
   * Parses {@code n1=http://127.0.0.1:8081,n2=http://127.0.0.1:8082}.
   *
   * @throws IllegalArgumentException naming the entry that is wrong, or a repeated id
   */
  public static List<Member> parseList(String text) {
    List<Member> members = new ArrayList<>();
    for (String part : text.split(",")) {
      String entry = part.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException("a member is id=url (e.g. n1=http://127.0.0.1:8081), not '" + entry + "'");
      }
      String id = entry.substring(0, eq).strip();
      String url = entry.substring(eq + 1).strip().replaceAll("/+$", "");
      Member m;
      try {
        m = new Member(id, URI.create(url));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("member '" + entry + "': " + e.getMessage(), e);
      }
      if (members.stream().anyMatch(x -> x.id().equals(id))) {
        throw new IllegalArgumentException("member id " + id + " is given twice");
      }
      members.add(m);
    }
    return List.copyOf(members);
  }

  @Override
  public String toString() {
    return id + "=" + url;
  }
}
