package io.logkv.chaos.history;

/** What a client asked for: a whole-state write (PUT, DELETE as a tombstone) or a read (GET). */
public enum OpType {
  PUT,
  DELETE,
  GET;

  public boolean isWrite() {
    return this != GET;
  }
}
