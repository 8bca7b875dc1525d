package dev.banter.push;

import dev.banter.messages.Message;
import dev.banter.notify.Notifier;
import dev.banter.store.Database;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Notifications of users with no live connection, as Web Push (SPEC §8): the notifier asks which of
 * them have a browser subscribed (one query per 500, so an @room in a room of 10,000 does not queue
 * 10,000 lookups), then hands each of those the payload.
 */
public final class OfflinePush implements Notifier.Offline {
  private static final int LOOKUP_BATCH = 500;

  private final Database db;
  private final PushSender sender;

  public OfflinePush(Database db, PushSender sender) {
    this.db = db;
    this.sender = sender;
  }

  @Override
  public Set<String> reachable(Collection<String> userIds) {
    List<String> all = List.copyOf(userIds);
    Set<String> out = new HashSet<>();
    for (int i = 0; i < all.size(); i += LOOKUP_BATCH) {
      List<String> chunk = all.subList(i, Math.min(all.size(), i + LOOKUP_BATCH));
      out.addAll(db.jdbi().withHandle(h -> PushSubscriptions.usersAmong(h, chunk)));
    }
    return out;
  }

  @Override
  public void notify(Collection<String> userIds, Message m, String reason) {
    String roomName = db.jdbi().withHandle(h -> PushSubscriptions.channelName(h, m.roomId()));
    Map<String, Object> payload =
        PushPayload.notification(
            m.roomId(),
            roomName,
            reason,
            m.id(),
            m.seq(),
            m.body(),
            m.authorUsername(),
            m.authorDisplayName());
    for (String user : userIds) {
      sender.notify(user, payload);
    }
  }
}
