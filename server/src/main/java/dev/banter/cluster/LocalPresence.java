package dev.banter.cluster;

/** Presence on a single node: the gateway's own connections are the whole truth. */
public final class LocalPresence implements Presence {
  @Override
  public boolean arrived(String userId) {
    return true;
  }

  @Override
  public boolean departed(String userId) {
    return true;
  }

  @Override
  public boolean isOnline(String userId) {
    return false; // nothing beyond this node's connections, which the gateway checks itself
  }
}
