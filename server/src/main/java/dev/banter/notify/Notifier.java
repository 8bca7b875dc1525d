package dev.banter.notify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.banter.cluster.EventBus;
import dev.banter.cluster.Presence;
import dev.banter.core.Metrics;
import dev.banter.events.ControlMessage;
import dev.banter.events.ServerEvent;
import dev.banter.messages.Message;
import dev.banter.messages.MessageService;
import dev.banter.rooms.Room;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a message notifies, and telling them (SPEC §8). It hears each message once, on the node that
 * stored it (after its events are published), and works on a thread of its own: deciding for a room
 * of 10,000 members (an @room) reads every membership, and that must hold up neither the writer nor
 * any room's fan-out. Each recipient gets one {@code notification} with the strongest reason
 * (mention, then direct, then thread, then room) on every connection, on every node (one
 * user-addressed event per reason); a recipient with no live connection anywhere is handed to the
 * {@link Offline} sink (Web Push).
 *
 * <p>Rules: never for one's own message, never while the room is muted for one, never from an
 * author one blocks, never to someone no longer a member. Levels: {@code none} gets nothing; {@code
 * mentions} (the channel default) gets mentions and replies in followed threads; {@code all} (the
 * direct-room default) gets everything.
 */
public final class Notifier implements MessageService.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  /**
   * Messages waiting to be looked at. When full (the notifier fell far behind), a message's
   * notifications are dropped and counted in {@code banter_notifications_dropped}: its events and
   * its mention count are not affected, only the ping.
   */
  static final int QUEUE_CAPACITY = 10_000;

  /** Rows of @here one transaction inserts at most: the writer waits no longer for the rest. */
  private static final int HERE_ROWS_PER_TRANSACTION = 1_000;

  /** Why a user is notified, strongest first. */
  enum Reason {
    MENTION("mention"),
    DIRECT("direct"),
    THREAD("thread"),
    ROOM("room");

    final String wire;

    Reason(String wire) {
      this.wire = wire;
    }
  }

  /** Where notifications go for users with no live connection (Web Push). */
  public interface Offline {
    /** Those of {@code userIds} it can reach at all (a browser subscribed): one look for all. */
    Set<String> reachable(Collection<String> userIds);

    /** Tells {@code userIds} of {@code message}, for {@code reason}; must not block. */
    void notify(Collection<String> userIds, Message message, String reason);
  }

  private static final Offline NOWHERE =
      new Offline() {
        @Override
        public Set<String> reachable(Collection<String> userIds) {
          return Set.of();
        }

        @Override
        public void notify(Collection<String> userIds, Message message, String reason) {}
      };

  /** A message to look at: posted, or edited to name {@code newlyMentioned}. */
  private record Job(Message message, List<String> newlyMentioned, boolean edit) {}

  private final Database db;
  private final EventBus bus;
  private final Presence presence;
  private final Clock clock;
  private final Metrics metrics;
  private final BlockingQueue<Job> queue;
  private final Thread thread;
  private volatile Offline offline = NOWHERE;

  /** A room as the notifier needs it for every message: its kind and its members' settings. */
  private record RoomInfo(String kind, Map<String, Recipients.Setting> settings) {}

  /**
   * What each room's messages are decided against, so that a message that names no one and replies
   * in no thread costs no query at all (most messages). Read again when a member's setting changes
   * on any node ({@code NotificationSettingsChanged}, loaded under the cache's lock so a change
   * during a load is not lost) and after ten minutes. A member who left may still be in it: who it
   * would notify for the room or a direct message is checked against the memberships first.
   */
  private final Cache<String, RoomInfo> rooms =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();

  private volatile boolean running = true;

  public Notifier(Database db, EventBus bus, Presence presence, Clock clock, Metrics metrics) {
    this(db, bus, presence, clock, metrics, QUEUE_CAPACITY);
  }

  Notifier(
      Database db, EventBus bus, Presence presence, Clock clock, Metrics metrics, int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.db = db;
    this.bus = bus;
    this.presence = presence;
    this.clock = clock;
    this.metrics = metrics;
    bus.onControl(
        c -> {
          if (c instanceof ControlMessage.NotificationSettingsChanged changed) {
            rooms.invalidate(changed.roomId());
          }
        });
    this.thread = Thread.ofPlatform().name("banter-notifier").daemon(true).start(this::run);
  }

  /** Sends the notifications of users with no live connection to {@code sink} from now on. */
  public void offline(Offline sink) {
    this.offline = sink;
  }

  @Override
  public void posted(List<Message> created) {
    for (Message m : created) {
      offer(new Job(m, List.of(), false));
    }
  }

  @Override
  public void edited(Message m, List<String> newlyMentioned) {
    if (!newlyMentioned.isEmpty()) {
      offer(new Job(m, List.copyOf(newlyMentioned), true));
    }
  }

  private void offer(Job job) {
    if (!queue.offer(job)) {
      metrics.notificationsDropped.increment();
    }
  }

  private void run() {
    while (running || !queue.isEmpty()) {
      try {
        Job job = queue.poll(100, TimeUnit.MILLISECONDS);
        if (job != null) {
          long started = System.nanoTime();
          handle(job);
          metrics.notifyFanout.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn("notifying of a message failed: {}", e.toString());
      }
    }
  }

  private void handle(Job job) {
    Message m = job.message();
    Map<String, Reason> recipients;
    try (Lazy h = new Lazy()) {
      recipients = job.edit() ? forEdit(h, job) : forPost(h, m);
    }
    if (recipients.isEmpty()) {
      return;
    }
    Map<Reason, List<String>> byReason = new EnumMap<>(Reason.class);
    recipients.forEach((u, r) -> byReason.computeIfAbsent(r, k -> new ArrayList<>()).add(u));
    Map<String, Object> view = m.view();
    byReason.forEach(
        (reason, users) ->
            bus.publish(new ServerEvent.Notification(users, m.roomId(), view, reason.wire)));
    metrics.notifications.increment(recipients.size());
    pushToOffline(m, recipients);
  }

  /** The recipients with no live connection anywhere who have a browser to push to. */
  private void pushToOffline(Message m, Map<String, Reason> recipients) {
    Offline sink = offline;
    if (sink == NOWHERE) {
      return;
    }
    Set<String> online = presence.online(recipients.keySet());
    List<String> away = new ArrayList<>();
    recipients
        .keySet()
        .forEach(
            u -> {
              if (!online.contains(u)) {
                away.add(u);
              }
            });
    if (away.isEmpty()) {
      return;
    }
    Set<String> reachable = sink.reachable(away);
    Map<Reason, List<String>> byReason = new EnumMap<>(Reason.class);
    for (String u : away) {
      if (reachable.contains(u)) {
        byReason.computeIfAbsent(recipients.get(u), k -> new ArrayList<>()).add(u);
      }
    }
    byReason.forEach((reason, users) -> sink.notify(users, m, reason.wire));
  }

  /** A handle opened on first use: the common message needs none. */
  private final class Lazy implements AutoCloseable {
    private Handle handle;

    Handle get() {
      if (handle == null) {
        handle = db.jdbi().open();
      }
      return handle;
    }

    @Override
    public void close() {
      if (handle != null) {
        handle.close();
      }
    }
  }

  /** The room's kind and settings, remembered; null when the room is gone. */
  private RoomInfo info(Lazy h, String roomId) {
    return rooms.get(
        roomId,
        id ->
            Recipients.kind(h.get(), id)
                .map(kind -> new RoomInfo(kind, Map.copyOf(Recipients.settings(h.get(), id, kind))))
                .orElse(null));
  }

  /** Who a new message notifies, and why. */
  private Map<String, Reason> forPost(Lazy h, Message m) {
    RoomInfo room = info(h, m.roomId());
    if (room == null) {
      return Map.of(); // the room is gone
    }
    boolean direct = Room.DIRECT.equals(room.kind());
    Map<String, Reason> candidates = new LinkedHashMap<>();
    if (m.mentions().room() || m.mentions().here()) {
      List<String> members = RoomService.memberIds(h.get(), m.roomId());
      List<String> reached = members;
      if (!m.mentions().room()) {
        reached = online(members, m.authorId());
        recordHere(m, reached);
      }
      reached.forEach(u -> candidates.put(u, Reason.MENTION));
    }
    if (!m.mentions().names().isEmpty()) {
      MessageService.mentionedIds(h.get(), m.id()).forEach(u -> candidates.put(u, Reason.MENTION));
    }
    Set<String> remembered = new HashSet<>(); // candidates found in the remembered settings only
    if (direct) {
      room.settings()
          .keySet()
          .forEach(u -> addRemembered(candidates, remembered, u, Reason.DIRECT));
    }
    if (m.threadId() != null) {
      Recipients.followers(h.get(), m.roomId(), m.threadId())
          .forEach(u -> candidates.putIfAbsent(u, Reason.THREAD));
    }
    room.settings()
        .forEach(
            (u, s) -> {
              if ("all".equals(s.level())) {
                addRemembered(candidates, remembered, u, Reason.ROOM);
              }
            });
    candidates.remove(m.authorId());
    remembered.remove(m.authorId());
    if (!remembered.isEmpty()) {
      Set<String> members = Recipients.membersAmong(h.get(), m.roomId(), remembered);
      remembered.stream().filter(u -> !members.contains(u)).forEach(candidates::remove);
    }
    return allowed(h, m, candidates, room);
  }

  private static void addRemembered(
      Map<String, Reason> candidates, Set<String> remembered, String user, Reason reason) {
    if (candidates.putIfAbsent(user, reason) == null) {
      remembered.add(user);
    }
  }

  /** An edit notifies only the members it newly names. */
  private Map<String, Reason> forEdit(Lazy h, Job job) {
    Message m = job.message();
    RoomInfo room = info(h, m.roomId());
    if (room == null) {
      return Map.of();
    }
    Map<String, Reason> candidates = new LinkedHashMap<>();
    job.newlyMentioned().forEach(u -> candidates.put(u, Reason.MENTION));
    candidates.remove(m.authorId());
    return allowed(h, m, candidates, room);
  }

  /** The candidates the rules let through: not the author, not muted, not blocking, level. */
  private Map<String, Reason> allowed(
      Lazy h, Message m, Map<String, Reason> candidates, RoomInfo room) {
    if (candidates.isEmpty()) {
      return candidates;
    }
    Map<String, Recipients.Setting> settings = room.settings();
    String kind = room.kind();
    Set<String> blocking = Recipients.blocking(h.get(), m.authorId());
    long now = clock.millis();
    Map<String, Reason> out = new LinkedHashMap<>();
    candidates.forEach(
        (user, reason) -> {
          Recipients.Setting s = settings.get(user);
          String level = s == null || s.level() == null ? Room.defaultLevel(kind) : s.level();
          boolean muted = s != null && s.mutedUntil() != null && s.mutedUntil() > now;
          if (muted || blocking.contains(user) || !levelAllows(level, reason)) {
            return;
          }
          out.put(user, reason);
        });
    return out;
  }

  private static boolean levelAllows(String level, Reason reason) {
    return switch (level) {
      case "all" -> true;
      case "mentions" -> reason == Reason.MENTION || reason == Reason.THREAD;
      default -> false;
    };
  }

  /** The members online now, the author aside: who @here reaches. */
  private List<String> online(List<String> members, String authorId) {
    Set<String> live = presence.online(members);
    List<String> out = new ArrayList<>();
    for (String u : members) {
      if (!u.equals(authorId) && live.contains(u)) {
        out.add(u);
      }
    }
    return out;
  }

  /** Who @here reached is mentioned (mention_count), written in chunks after the post's commit. */
  private void recordHere(Message m, List<String> reached) {
    for (int i = 0; i < reached.size(); i += HERE_ROWS_PER_TRANSACTION) {
      List<String> chunk =
          reached.subList(i, Math.min(reached.size(), i + HERE_ROWS_PER_TRANSACTION));
      db.jdbi()
          .useTransaction(h -> Recipients.reachedByHere(h, m.id(), m.roomId(), m.seq(), chunk));
    }
  }

  /** Waits until every message queued so far was looked at (tests, shutdown). */
  public boolean awaitIdle(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (!queue.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return queue.isEmpty();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
