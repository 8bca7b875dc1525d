package dev.banter.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.banter.auth.AccessTokens;
import dev.banter.auth.AuthService;
import dev.banter.auth.LoginThrottle;
import dev.banter.auth.Revocations;
import dev.banter.cluster.LocalBus;
import dev.banter.config.ConfigLoader;
import dev.banter.core.ApiError;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.events.ServerEvent;
import dev.banter.messages.PostOutcome.Posted;
import dev.banter.messages.PostOutcome.Refused;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import dev.banter.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's commit step, on a real MessageService over SQLite: each post's callback (where a
 * connection's ack is written) runs before its message's new_message event is published, on the
 * fast batch path and on the careful one; refused posts and repeats of a client_id publish nothing.
 * The bus is in-process, so events are recorded on the writer thread as they are published.
 */
class CommitOrderTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dataDir;
  private Database db;
  private Revocations revocations;
  private AuthService auth;
  private RoomService rooms;
  private MessageService messages;

  /**
   * In the order it happened: "committed <label>" when a post's callback ran, "published
   * <client_id>" per event.
   */
  private final List<String> happened = new CopyOnWriteArrayList<>();

  private final Map<String, PostOutcome> outcomes = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    var config = new ConfigLoader(Map.of("BANTER_DATA_DIR", dataDir.toString()), false).load();
    Clock clock = Clock.systemUTC();
    LocalBus bus = new LocalBus();
    bus.subscribe(
        e -> {
          if (e instanceof ServerEvent.NewMessage m) {
            happened.add("published " + m.message().get("client_id"));
          }
        });
    db = Database.open(config);
    rooms = new RoomService(db, bus, clock, u -> false, UserLimits.unlimited());
    revocations = new Revocations(db, bus, clock, Duration.ofMinutes(15));
    var tokens =
        new AccessTokens(
            TestServer.JWT_SECRET.getBytes(StandardCharsets.UTF_8),
            Duration.ofMinutes(15),
            clock,
            revocations);
    auth =
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
            db,
            rooms,
            bus,
            clock,
            MessageService.MAX_BATCH,
            new Metrics("test"),
            UserLimits.unlimited());
  }

  @AfterEach
  void stop() {
    messages.close();
    revocations.close();
    db.close();
  }

  private Principal user(String name) {
    var s = auth.register(name, "password-" + name, null, null);
    return new Principal(s.user().id(), s.user().username(), s.user().role(), false);
  }

  private String room(Principal owner, Principal... members) {
    String id = rooms.create(owner, "room-" + System.nanoTime(), null, "private").id();
    for (Principal m : members) {
      rooms.invite(owner, id, m.username());
    }
    return id;
  }

  /** Queues a post labelled {@code label}; its callback records the outcome and that it ran. */
  private void post(String label, Principal who, String room, String clientId) {
    messages.postAsync(
        who,
        new MessageService.Draft(room, "body of " + label, null, null, clientId, null),
        outcome -> {
          outcomes.put(label, outcome);
          happened.add("committed " + label);
        });
  }

  private void awaitPublished(String clientId) {
    await().atMost(WAIT).until(() -> happened.contains("published " + clientId));
  }

  private long published(String clientId) {
    return happened.stream().filter(("published " + clientId)::equals).count();
  }

  /**
   * For a post whose label is its client_id: its callback ran, then its event was published once.
   */
  private void assertCallbackBeforeEvent(String label) {
    assertThat(outcomes.get(label))
        .isInstanceOfSatisfying(Posted.class, p -> assertThat(p.created()).isTrue());
    assertThat(happened.indexOf("committed " + label))
        .as("callback of %s", label)
        .isNotNegative()
        .isLessThan(happened.indexOf("published " + label));
    assertThat(published(label)).as("events of %s", label).isEqualTo(1);
  }

  @Test
  void everyPostsCallbackRunsBeforeItsNewMessageEvent() throws Exception {
    Principal alice = user("alice");
    Principal bob = user("bob");
    String first = room(alice, bob);
    String second = room(bob, alice);
    List<String> labels = new CopyOnWriteArrayList<>();
    List<Thread> posters = new ArrayList<>();
    for (Principal who : List.of(alice, bob)) {
      for (String room : List.of(first, second)) {
        posters.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int i = 0; i < 100; i++) {
                        String label = who.username() + "-" + room + "-" + i;
                        labels.add(label);
                        post(label, who, room, label);
                      }
                    }));
      }
    }
    for (Thread t : posters) {
      t.join(WAIT.toMillis());
    }
    await().atMost(WAIT).until(() -> outcomes.size() == 400 && happened.size() == 800);
    labels.forEach(this::assertCallbackBeforeEvent);
  }

  @Test
  void aRepeatedClientIdIsNotCreatedAgainAndPublishesNothing() {
    Principal alice = user("alice");
    String room = room(alice);
    Posted original = messages.post(alice, room, "once", null, "same", null);
    awaitPublished("same"); // post returns from the callback, so before the event
    happened.clear();

    // The repeat sends its batch down the careful path; the new posts around it still commit in
    // order.
    post("before", alice, room, "before");
    post("repeat", alice, room, "same");
    for (int i = 0; i < 20; i++) {
      post("after-" + i, alice, room, "after-" + i);
    }
    awaitPublished(
        "after-19"); // queued last from this thread: every earlier post's events are out by now

    assertThat(outcomes.get("repeat")).isEqualTo(new Posted(original.message(), false));
    assertThat(published("same")).isZero();
    assertCallbackBeforeEvent("before");
    for (int i = 0; i < 20; i++) {
      assertCallbackBeforeEvent("after-" + i);
    }
  }

  @Test
  void aNonMembersPostIsRefusedAndPublishesNothing() {
    Principal alice = user("alice");
    Principal mallory = user("mallory");
    String room = room(alice);

    post("member-1", alice, room, "member-1");
    post("outsider", mallory, room, "outsider");
    post("member-2", alice, room, "member-2");
    awaitPublished("member-2");
    await().atMost(WAIT).until(() -> outcomes.containsKey("outsider"));

    assertThat(outcomes.get("outsider"))
        .isInstanceOfSatisfying(
            Refused.class,
            r ->
                assertThat(r.error())
                    .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.status()).isEqualTo(403)));
    assertThat(published("outsider")).isZero();
    assertCallbackBeforeEvent("member-1");
    assertCallbackBeforeEvent("member-2");
  }

  @Test
  void theWaitingPostThrowsTheRefusalOnTheCallersThread() {
    Principal alice = user("alice");
    Principal mallory = user("mallory");
    String room = room(alice);

    assertThatThrownBy(() -> messages.post(mallory, room, "hello", null, "c1", null))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThat(messages.post(alice, room, "hello", null, "c1", null).created()).isTrue();
  }
}
