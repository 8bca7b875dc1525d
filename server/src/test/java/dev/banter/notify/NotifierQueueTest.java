package dev.banter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.auth.AccessTokens;
import dev.banter.auth.AuthService;
import dev.banter.auth.LoginThrottle;
import dev.banter.auth.Revocations;
import dev.banter.cluster.EventBus;
import dev.banter.cluster.LocalBus;
import dev.banter.cluster.LocalPresence;
import dev.banter.config.ConfigLoader;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.events.ControlMessage;
import dev.banter.events.ServerEvent;
import dev.banter.messages.MessageService;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import dev.banter.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier's queue is bounded: while it is stuck (here: publishing blocks), messages past the
 * bound are dropped and counted, the ones queued are still notified once it moves again, and
 * posting is never held up by it.
 */
class NotifierQueueTest {
  private static final int CAPACITY = 3;

  @TempDir Path dataDir;
  private Database db;
  private Revocations revocations;
  private MessageService messages;
  private Notifier notifier;
  private final Metrics metrics = new Metrics("test");
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch stuck = new CountDownLatch(1);
  private final List<String> notified = new CopyOnWriteArrayList<>();
  private final LocalBus local = new LocalBus();

  /** The in-process bus, except that publishing a notification waits for {@link #release}. */
  private final EventBus bus =
      new EventBus() {
        @Override
        public void publish(ServerEvent event) {
          if (event instanceof ServerEvent.Notification n) {
            stuck.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            notified.add((String) n.message().get("body"));
          }
          local.publish(event);
        }

        @Override
        public void tell(ControlMessage message) {
          local.tell(message);
        }

        @Override
        public void subscribe(Consumer<ServerEvent> listener) {
          local.subscribe(listener);
        }

        @Override
        public void onControl(Consumer<ControlMessage> listener) {
          local.onControl(listener);
        }
      };

  private Principal alice;
  private String dm;

  @BeforeEach
  void start() {
    var config = new ConfigLoader(Map.of("BANTER_DATA_DIR", dataDir.toString()), false).load();
    Clock clock = Clock.systemUTC();
    db = Database.open(config);
    RoomService rooms = new RoomService(db, bus, clock, u -> false, UserLimits.unlimited());
    revocations = new Revocations(db, bus, clock, Duration.ofMinutes(15));
    var tokens =
        new AccessTokens(
            TestServer.JWT_SECRET.getBytes(StandardCharsets.UTF_8),
            Duration.ofMinutes(15),
            clock,
            revocations);
    var auth =
        new AuthService(
            db,
            tokens,
            new AuthService.Policy(Duration.ofDays(1), Set.of(), false),
            LoginThrottle.perMinute(1_000_000, () -> {}),
            clock,
            (h, u) -> {},
            revocations);
    messages =
        new MessageService(
            db, rooms, bus, clock, MessageService.MAX_BATCH, metrics, UserLimits.unlimited());
    notifier = new Notifier(db, bus, new LocalPresence(), clock, metrics, CAPACITY);
    messages.listen(notifier);
    var a = auth.register("alice", "password-alice", null, null).user();
    auth.register("bob", "password-bob", null, null);
    alice = new Principal(a.id(), a.username(), a.role(), false);
    dm = rooms.direct(alice, "bob").id();
  }

  @AfterEach
  void stop() {
    release.countDown();
    notifier.close();
    messages.close();
    revocations.close();
    db.close();
  }

  @Test
  void pastItsBoundTheQueueDropsAndCountsAndPostingGoesOn() throws Exception {
    messages.post(alice, dm, "first", null, null, null);
    assertThat(stuck.await(10, TimeUnit.SECONDS)).as("the notifier is stuck publishing").isTrue();

    int more = CAPACITY + 4;
    for (int i = 0; i < more; i++) {
      assertThat(messages.post(alice, dm, "more " + i, null, null, null).created()).isTrue();
    }

    // the writer hands each committed batch to the notifier just after its acks: await the last
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metrics.notificationsDropped.count() == more - CAPACITY);
    release.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> notified.size() == 1 + CAPACITY);
    assertThat(notifier.awaitIdle(10_000)).isTrue();
    assertThat(notified).containsExactly("first", "more 0", "more 1", "more 2");
    assertThat(metrics.notificationsDropped.count()).isEqualTo(more - CAPACITY);
  }
}
