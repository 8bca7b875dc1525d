package dev.banter.messages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many posters into one room at once: seqs stay gapless and unique, client_id stays idempotent, and
 * every change (post, edit, reaction) takes its own, strictly increasing rev.
 */
abstract class ConcurrentPostingContract {
  private static final int POSTERS = 8;
  private static final int EACH = 200;

  TestServer server;
  Api api;

  abstract Backend backend();

  @BeforeEach
  void start() {
    server = TestServer.start(backend());
    api = server.api();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** POSTERS new users, each invited into {@code room}. */
  private List<Account> members(Account owner, String room, String stem) {
    List<Account> posters = new ArrayList<>();
    for (int i = 0; i < POSTERS; i++) {
      Account a = api.register(stem);
      api.invite(owner, room, a);
      posters.add(a);
    }
    return posters;
  }

  private List<Long> storedSeqs(String room) {
    return server
        .db()
        .withHandle(
            h ->
                h.createQuery("SELECT seq FROM messages WHERE room_id = :r ORDER BY seq")
                    .bind("r", room)
                    .mapTo(Long.class)
                    .list());
  }

  @Test
  void eightPostersOfTwoHundredMessagesGetSeqsOneToSixteenHundred() throws Exception {
    Account owner = api.register("owner");
    String room = api.createRoom(owner, "public");
    List<Account> posters = members(owner, room, "poster");
    List<Long> acked = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(POSTERS)) {
      List<Future<?>> done = new ArrayList<>();
      for (Account a : posters) {
        done.add(
            pool.submit(
                () -> {
                  long last = 0;
                  for (int i = 0; i < EACH; i++) {
                    Reply r =
                        api.post(
                            "/api/v1/rooms/" + room + "/messages",
                            Map.of("body", "m" + i),
                            a.accessToken());
                    assertThat(r.status()).isEqualTo(201);
                    long seq = r.json().get("seq").asLong();
                    assertThat(seq)
                        .as("one poster's messages get increasing seqs")
                        .isGreaterThan(last);
                    last = seq;
                    acked.add(seq);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    List<Long> expected = LongStream.rangeClosed(1, POSTERS * EACH).boxed().toList();
    assertThat(storedSeqs(room)).isEqualTo(expected);
    assertThat(new HashSet<>(acked)).hasSize(POSTERS * EACH);
    assertThat(
            api.get("/api/v1/rooms/" + room, owner.accessToken()).json().get("last_seq").asLong())
        .isEqualTo(POSTERS * EACH);
  }

  @Test
  void retriesWithTheSameClientIdMixedInNeitherDuplicateNorBurnSeqs() throws Exception {
    Account owner = api.register("owner");
    String room = api.createRoom(owner, "public");
    List<Account> posters = members(owner, room, "retrier");
    Set<String> distinct = Collections.synchronizedSet(new HashSet<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(POSTERS)) {
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < POSTERS; p++) {
        Account a = posters.get(p);
        Random random = new Random(p);
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < EACH; i++) {
                    // a third of the sends repeat an earlier client_id of this poster (a retry
                    // after a lost ack)
                    int n = i > 0 && random.nextInt(3) == 0 ? random.nextInt(i) : i;
                    String clientId = "c-" + n;
                    Reply r =
                        api.post(
                            "/api/v1/rooms/" + room + "/messages",
                            Map.of("body", "m" + n, "client_id", clientId),
                            a.accessToken());
                    assertThat(r.status()).isIn(200, 201);
                    assertThat(r.json().get("body").asText()).isEqualTo("m" + n);
                    distinct.add(a.id() + "/" + clientId);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    List<Long> expected = LongStream.rangeClosed(1, distinct.size()).boxed().toList();
    assertThat(storedSeqs(room)).isEqualTo(expected);
    assertThat(distinct.size()).isLessThan(POSTERS * EACH);
  }

  @Test
  void theSameClientIdSentSixteenTimesAtOnceIsStoredOnce() throws Exception {
    Account a = api.register("racer");
    String room = api.createRoom(a, "public");
    Set<String> ids = Collections.synchronizedSet(new HashSet<>());
    List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        done.add(
            pool.submit(
                () -> {
                  Reply r =
                      api.post(
                          "/api/v1/rooms/" + room + "/messages",
                          Map.of("body", "once", "client_id", "same"),
                          a.accessToken());
                  statuses.add(r.status());
                  ids.add(r.json().get("id").asText());
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    assertThat(ids).hasSize(1);
    assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
    assertThat(storedSeqs(room)).containsExactly(1L);
  }

  @Test
  void postsRefusedInTheMiddleOfBusyBatchesFailAloneAndTakeNoSeq() throws Exception {
    // Who may post is checked by the writer for a whole batch at once: members, outsiders and posts
    // to a room
    // that does not exist arrive together and share batches, and only the refused ones fail.
    Account owner = api.register("owner");
    String room = api.createRoom(owner, "private");
    List<Account> members = members(owner, room, "member");
    List<Account> outsiders = new ArrayList<>();
    for (int i = 0; i < POSTERS / 2; i++) {
      outsiders.add(api.register("outsider"));
    }
    int each = EACH / 2;
    Map<Integer, List<Integer>> statuses = new ConcurrentHashMap<>();
    try (ExecutorService pool =
        Executors.newFixedThreadPool(members.size() + outsiders.size() + 2)) {
      List<Future<?>> done = new ArrayList<>();
      List<String[]> sends = new ArrayList<>(); // {token, room}
      members.forEach(a -> sends.add(new String[] {a.accessToken(), room}));
      outsiders.forEach(a -> sends.add(new String[] {a.accessToken(), room}));
      sends.add(new String[] {members.get(0).accessToken(), "no-such-room"});
      sends.add(new String[] {owner.accessToken(), "no-such-room"});
      for (String[] send : sends) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    Reply r =
                        api.post(
                            "/api/v1/rooms/" + send[1] + "/messages",
                            Map.of("body", "m" + i),
                            send[0]);
                    statuses
                        .computeIfAbsent(
                            r.status(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(i);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    assertThat(statuses.keySet()).containsExactlyInAnyOrder(201, 403, 404);
    assertThat(statuses.get(201)).hasSize(members.size() * each);
    assertThat(statuses.get(403)).hasSize(outsiders.size() * each);
    assertThat(statuses.get(404)).hasSize(2 * each);
    assertThat(storedSeqs(room))
        .isEqualTo(LongStream.rangeClosed(1, members.size() * each).boxed().toList());
    Set<String> outsiderIds = new HashSet<>();
    outsiders.forEach(a -> outsiderIds.add(a.id()));
    List<String> authors =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT DISTINCT author_id FROM messages")
                        .mapTo(String.class)
                        .list());
    assertThat(authors).doesNotContainAnyElementsOf(outsiderIds).hasSize(members.size());
  }

  @Test
  void postersAndEditorsAtOnceGiveEveryChangeItsOwnIncreasingRev() throws Exception {
    Account owner = api.register("owner");
    String room = api.createRoom(owner, "public");
    List<Account> writers = members(owner, room, "writer");
    List<Long> revs = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(POSTERS)) {
      List<Future<?>> done = new ArrayList<>();
      for (Account a : writers) {
        done.add(
            pool.submit(
                () -> {
                  long last = 0;
                  for (int i = 0; i < EACH / 4; i++) {
                    String path = "/api/v1/rooms/" + room + "/messages";
                    Reply posted =
                        Api.expect(api.post(path, Map.of("body", "m" + i), a.accessToken()), 201);
                    String id = posted.json().get("id").asText();
                    Reply edited =
                        Api.expect(
                            api.patch(
                                path + "/" + id, Map.of("body", "m" + i + "!"), a.accessToken()),
                            200);
                    Reply reacted =
                        Api.expect(
                            api.put(
                                path + "/" + id + "/reactions/%F0%9F%91%8D", "", a.accessToken()),
                            200);
                    for (Reply r : List.of(posted, edited, reacted)) {
                      long rev = r.json().get("rev").asLong();
                      assertThat(rev)
                          .as("one writer's changes get increasing revs")
                          .isGreaterThan(last);
                      last = rev;
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
    assertThat(new HashSet<>(revs)).as("every change its own rev").hasSize(revs.size());
    long lastRev =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT last_rev FROM rooms WHERE id = :r")
                        .bind("r", room)
                        .mapTo(Long.class)
                        .one());
    assertThat(lastRev).isEqualTo(Collections.max(revs));
    List<Long> stored =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT rev FROM messages WHERE room_id = :r")
                        .bind("r", room)
                        .mapTo(Long.class)
                        .list());
    assertThat(stored)
        .doesNotHaveDuplicates()
        .hasSize(POSTERS * EACH / 4)
        .allMatch(r -> r <= lastRev);
  }
}
