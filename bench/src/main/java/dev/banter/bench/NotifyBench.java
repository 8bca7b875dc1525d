package dev.banter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.core.Principal;
import dev.banter.events.ServerEvent;
import dev.banter.messages.MessageService;
import dev.banter.rooms.Room;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What an {@code @room} in a very large room costs (SPEC §8), in-process: a room of {@code
 * --members} members; one {@code @room} there while a small room posts steadily. Records how long
 * the big room's notification fan-out took (post to its last notification published), the post
 * latency of the small room meanwhile against the same posts with no {@code @room} running, and how
 * long a mention in the small room, posted right after the {@code @room}, waited for its own
 * notification (it queues behind the big one on the one notifier thread).
 */
@Command(
    name = "notify",
    mixinStandardHelpOptions = true,
    description = "Notification fan-out of an @room in a room of --members members, in-process.")
final class NotifyBench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--database-url", description = "PostgreSQL URL; default: SQLite in a temp dir")
  String databaseUrl;

  @Option(
      names = "--members",
      defaultValue = "10000",
      description = "members of the big room (default: ${DEFAULT-VALUE})")
  int members;

  @Option(
      names = "--small-rate",
      defaultValue = "50",
      description = "posts per second in the small room meanwhile (default: ${DEFAULT-VALUE})")
  int smallRate;

  @Option(
      names = "--seconds",
      defaultValue = "5",
      description = "seconds of small-room posting per phase (default: ${DEFAULT-VALUE})")
  int seconds;

  @Override
  public Integer call() throws Exception {
    try (InProcess banter = new InProcess(databaseUrl)) {
      Principal owner = banter.register("owner");
      Principal friend = banter.register("friend");
      Room big = banter.rooms.create(owner, "big", null, "public");
      Room small = banter.rooms.create(owner, "small", null, "private");
      banter.rooms.invite(owner, small.id(), friend.username());
      addMembers(banter, big.id(), members);
      MessageService messages = banter.services.messages();

      Map<String, Long> notifiedAt = new ConcurrentHashMap<>();
      Map<String, Integer> notifiedCount = new ConcurrentHashMap<>();
      banter.bus.subscribe(
          e -> {
            if (e instanceof ServerEvent.Notification n) {
              String id = (String) n.message().get("id");
              notifiedAt.put(id, System.nanoTime());
              notifiedCount.merge(id, n.recipients().size(), Integer::sum);
            }
          });

      Histogram quiet = smallRoom(messages, owner, small.id());
      long posted = System.nanoTime();
      String everyone =
          messages.post(owner, big.id(), "@room all hands", null, null, null).message().id();
      String mention =
          messages
              .post(owner, small.id(), "@" + friend.username() + " right after", null, null, null)
              .message()
              .id();
      long mentionPosted = System.nanoTime();
      Histogram busy = smallRoom(messages, owner, small.id());
      CountDownLatch settled = new CountDownLatch(1);
      Thread.ofVirtual()
          .start(
              () -> {
                while (!notifiedAt.containsKey(mention)) {
                  Thread.onSpinWait();
                }
                settled.countDown();
              });
      settled.await(120, TimeUnit.SECONDS);
      banter.services.notifier().awaitIdle(120_000);

      Map<String, Object> out = new LinkedHashMap<>();
      out.put("scenario", "notify");
      out.put("store", banter.store());
      out.put("members", members);
      out.put("at_room_recipients", notifiedCount.getOrDefault(everyone, 0));
      out.put("at_room_fanout_ms", ms(notifiedAt.getOrDefault(everyone, posted) - posted));
      out.put(
          "mention_behind_it_ms",
          ms(notifiedAt.getOrDefault(mention, mentionPosted) - mentionPosted));
      out.put("small_room_posts", quiet.getTotalCount());
      out.put("small_room_post_p50_ms_quiet", ms(quiet.getValueAtPercentile(50)));
      out.put("small_room_post_p99_ms_quiet", ms(quiet.getValueAtPercentile(99)));
      out.put("small_room_post_p50_ms_during", ms(busy.getValueAtPercentile(50)));
      out.put("small_room_post_p99_ms_during", ms(busy.getValueAtPercentile(99)));
      out.put("small_room_post_max_ms_during", ms(busy.getMaxValue()));
      System.out.println(JSON.writeValueAsString(out));
    }
    return 0;
  }

  /** {@code n} guest members of the room, written straight to the store (no sign-up per member). */
  private static void addMembers(InProcess banter, String roomId, int n) {
    long now = System.currentTimeMillis();
    banter
        .db
        .jdbi()
        .useTransaction(
            h -> {
              var users =
                  h.prepareBatch(
                      "INSERT INTO users (id, username, display_name, guest, created_at)"
                          + " VALUES (:id, :name, :name, :yes, :now)");
              var joins =
                  h.prepareBatch(
                      "INSERT INTO room_members (room_id, user_id, role, joined_at)"
                          + " VALUES (:room, :id, 'member', :now)");
              for (int i = 0; i < n; i++) {
                String id = "bench-member-" + i;
                users
                    .bind("id", id)
                    .bind("name", "member" + i)
                    .bind("yes", true)
                    .bind("now", now)
                    .add();
                joins.bind("room", roomId).bind("id", id).bind("now", now).add();
              }
              users.execute();
              joins.execute();
            });
  }

  /** Posts in the small room at the rate for the phase; each post's latency (ns), to commit. */
  private Histogram smallRoom(MessageService messages, Principal who, String roomId) {
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
    long gap = TimeUnit.SECONDS.toNanos(1) / smallRate;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (long next = System.nanoTime(); next < end; next += gap) {
      while (System.nanoTime() < next) {
        Thread.onSpinWait();
      }
      long t = System.nanoTime();
      messages.post(who, roomId, "steady", null, null, null);
      h.recordValue(System.nanoTime() - t);
    }
    return h;
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
