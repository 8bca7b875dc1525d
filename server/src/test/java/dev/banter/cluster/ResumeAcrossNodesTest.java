package dev.banter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.Redis;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SPEC §5.1 on two nodes sharing one PostgreSQL database and Redis: changes made on one node reach
 * a client of the other, live and on resume, and the room's rev stays strictly increasing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeAcrossNodesTest {
  TestServer first;
  TestServer second;
  Api one;
  Api two;
  Account alice;
  Account bob;
  String room;

  @BeforeAll
  void start() {
    first = TestServer.start(Backend.POSTGRES, Map.of("BANTER_REDIS_URL", Redis.shared()));
    second =
        TestServer.start(
            Backend.POSTGRES,
            Map.of("BANTER_REDIS_URL", Redis.shared(), "BANTER_DATABASE_URL", first.databaseUrl()));
    one = first.api();
    two = second.api();
  }

  @BeforeEach
  void freshRoom() {
    alice = one.register("alice");
    bob = one.register("bob");
    room = one.createRoom(alice, "private");
    one.invite(alice, room, bob);
  }

  @AfterAll
  void stop() {
    second.close();
    first.close();
  }

  private String messages() {
    return "/api/v1/rooms/" + room + "/messages";
  }

  private static String emoji(String e) {
    return URLEncoder.encode(e, StandardCharsets.UTF_8);
  }

  @Test
  void changesMadeOnOneNodeReachAClientOfTheOtherOnResume() {
    String edited = one.say(alice, room, "to edit").get("id").asText();
    String deleted = one.say(alice, room, "to delete").get("id").asText();
    JsonNode seen;
    try (WsClient before = WsClient.connect(second.baseUrl(), bob.accessToken())) {
      seen = before.request(Map.of("type", "join_room", "room_id", room));
    }
    Api.expect(
        one.patch(
            messages() + "/" + edited, Map.of("body", "edited on node one"), alice.accessToken()),
        200);
    Api.expect(one.delete(messages() + "/" + deleted, alice.accessToken()), 204);

    try (WsClient back = WsClient.connect(second.baseUrl(), bob.accessToken())) {
      JsonNode joined =
          back.request(
              Map.of(
                  "type",
                  "join_room",
                  "room_id",
                  room,
                  "since_seq",
                  seen.get("last_seq").asLong(),
                  "since_rev",
                  seen.get("last_rev").asLong()));
      List<JsonNode> updates = back.ofType("message_updated");
      assertThat(updates)
          .extracting(f -> f.at("/message/id").asText())
          .containsExactly(edited, deleted);
      assertThat(updates.get(0).at("/message/body").asText()).isEqualTo("edited on node one");
      assertThat(updates.get(1).at("/message/deleted").asBoolean()).isTrue();
      assertThat(joined.get("last_rev").asLong()).isEqualTo(updates.get(1).get("rev").asLong());
    }
  }

  @Test
  void liveChangesCarryTheirRevAcrossTheBus() {
    String id = one.say(alice, room, "hello").get("id").asText();
    try (WsClient live = WsClient.connect(second.baseUrl(), bob.accessToken())) {
      long rev =
          live.request(Map.of("type", "join_room", "room_id", room)).get("last_rev").asLong();
      Api.expect(
          one.patch(messages() + "/" + id, Map.of("body", "edited"), alice.accessToken()), 200);
      Api.expect(
          one.put(messages() + "/" + id + "/reactions/" + emoji("👍"), "", alice.accessToken()),
          200);
      Api.expect(one.delete(messages() + "/" + id, alice.accessToken()), 204);

      long edit = live.await("message_edited").get("rev").asLong();
      long reaction = live.await("reaction").get("rev").asLong();
      long delete = live.await("message_deleted").get("rev").asLong();
      assertThat(List.of(rev, edit, reaction, delete)).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void postersAndEditorsOnTwoNodesGetStrictlyIncreasingRevs() throws Exception {
    List<Account> writers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Account a = one.register("writer");
      one.invite(alice, room, a);
      writers.add(a);
    }
    Set<Long> revs = Collections.synchronizedSet(new HashSet<>());
    List<Long> all = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(writers.size())) {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers.size(); w++) {
        Api node = w % 2 == 0 ? one : two;
        Account a = writers.get(w);
        done.add(
            pool.submit(
                () -> {
                  long last = 0;
                  for (int i = 0; i < 30; i++) {
                    JsonNode posted = node.say(a, room, "m" + i);
                    JsonNode edited =
                        Api.expect(
                                node.patch(
                                    messages() + "/" + posted.get("id").asText(),
                                    Map.of("body", "m" + i + "!"),
                                    a.accessToken()),
                                200)
                            .json();
                    JsonNode reacted =
                        Api.expect(
                                node.put(
                                    messages()
                                        + "/"
                                        + posted.get("id").asText()
                                        + "/reactions/"
                                        + emoji("👍"),
                                    "",
                                    a.accessToken()),
                                200)
                            .json();
                    for (JsonNode m : List.of(posted, edited, reacted)) {
                      long rev = m.get("rev").asLong();
                      assertThat(rev)
                          .as("one writer's changes get increasing revs")
                          .isGreaterThan(last);
                      last = rev;
                      all.add(rev);
                      revs.add(rev);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    assertThat(revs).as("every change its own rev").hasSize(all.size());
    long lastRev =
        first
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT last_rev FROM rooms WHERE id = :r")
                        .bind("r", room)
                        .mapTo(Long.class)
                        .one());
    assertThat(lastRev).isEqualTo(Collections.max(all));
    List<Long> stored =
        first
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT rev FROM messages WHERE room_id = :r")
                        .bind("r", room)
                        .mapTo(Long.class)
                        .list());
    assertThat(stored).doesNotHaveDuplicates().allMatch(r -> r <= lastRev);
  }

  /**
   * A long replay of changes (every message changed since rev 0) races an editor on the other node:
   * an edit committed while the replay pages is both waiting live and (at a rev at least its own)
   * replayed, and must reach the client once, each message's frames in increasing rev.
   */
  @Test
  void changesRacingALongReplayArriveOnceAndInRevOrder() throws Exception {
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 150; i++) {
                    ids.add(one.say(alice, room, "m" + i).get("id").asText());
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    AtomicBoolean editing = new AtomicBoolean(true);
    Thread editor =
        Thread.ofVirtual()
            .start(
                () -> {
                  Random random = new Random(11);
                  for (int i = 0; editing.get(); i++) {
                    String id = ids.get(random.nextInt(ids.size()));
                    if (i % 3 == 0) {
                      one.put(
                          messages() + "/" + id + "/reactions/" + emoji(i % 2 == 0 ? "👍" : "🎉"),
                          "",
                          alice.accessToken());
                    } else {
                      one.patch(
                          messages() + "/" + id, Map.of("body", "edit " + i), alice.accessToken());
                    }
                  }
                });
    try {
      for (int round = 0; round < 3; round++) {
        try (WsClient c = WsClient.connect(second.baseUrl(), bob.accessToken())) {
          c.request(
              Map.of(
                  "type",
                  "join_room",
                  "room_id",
                  room,
                  "since_seq",
                  (long) ids.size(),
                  "since_rev",
                  0L));
          Awaitility.await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> c.ofType("message_edited").size() >= 3);
          assertRevsIncreasePerMessage(c.frames());
        }
      }
    } finally {
      editing.set(false);
      editor.join();
    }
  }

  private static void assertRevsIncreasePerMessage(List<JsonNode> frames) {
    Map<String, Long> last = new HashMap<>();
    for (JsonNode f : frames) {
      String type = f.path("type").asText();
      String id =
          switch (type) {
            case "message_updated", "message_edited", "new_message" -> f.at("/message/id").asText();
            case "reaction", "message_deleted" -> f.get("message_id").asText();
            default -> null;
          };
      if (id == null) {
        continue;
      }
      long rev = f.has("rev") ? f.get("rev").asLong() : f.at("/message/rev").asLong();
      Long before = last.put(id, rev);
      assertThat(before == null || rev > before)
          .as("%s of %s at rev %d after rev %d", type, id, rev, before)
          .isTrue();
    }
  }
}
