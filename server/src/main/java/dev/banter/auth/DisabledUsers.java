package dev.banter.auth;

import dev.banter.cluster.Event;
import dev.banter.cluster.EventBus;
import dev.banter.store.Database;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accounts a global admin disabled, kept in memory so every authenticated request can
 * check it without a query; loaded at start and kept in step across nodes by bus events.
 */
public final class DisabledUsers {
  /** The bus event of a change (between nodes only; never sent to clients). */
  public static final String EVENT_TYPE = "user_disabled";

  private final Set<String> ids = ConcurrentHashMap.newKeySet();

  public DisabledUsers(Database db, EventBus bus) {
    ids.addAll(db.jdbi().withHandle(h -> h.createQuery("SELECT id FROM users WHERE disabled = :yes")
        .bind("yes", true).mapTo(String.class).list()));
    bus.subscribe(e -> {
      if (EVENT_TYPE.equals(e.type())) {
        apply(e.users().get(0), Boolean.TRUE.equals(e.body().get("disabled")));
      }
    });
  }

  public boolean contains(String userId) {
    return ids.contains(userId);
  }

  void apply(String userId, boolean disabled) {
    if (disabled) {
      ids.add(userId);
    } else {
      ids.remove(userId);
    }
  }

  /** The event that tells every node (and this one) about a change. */
  static Event event(String userId, boolean disabled) {
    return new Event(EVENT_TYPE, null, 0, java.util.List.of(userId), Map.of("disabled", disabled));
  }
}
