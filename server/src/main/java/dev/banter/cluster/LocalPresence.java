package dev.banter.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Presence on a single node: the users with a connection here are the whole truth. */
public final class LocalPresence implements Presence {
  private final Set<String> online = ConcurrentHashMap.newKeySet();

  @Override
  public boolean arrived(String userId) {
    return online.add(userId);
  }

  @Override
  public boolean departed(String userId) {
    return online.remove(userId);
  }

  @Override
  public boolean isOnline(String userId) {
    return online.contains(userId);
  }
}
