package dev.banter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.NodeProcess;
import dev.banter.support.Postgres;
import dev.banter.support.Redis;
import dev.banter.support.TcpProxy;
import dev.banter.support.WsClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message committed (and acked) on one node whose event never reaches the others — the node's
 * link to Redis stalls, then the node dies — still reaches every subscriber on the other nodes,
 * once, in seq order, with no gap (#18 item 6). Nodes are processes of their own on the machine's
 * PostgreSQL and Redis; a node's cursor of a room moves only by what it delivers, so the room's
 * next message brings the missing seqs from the database before it is delivered.
 */
class PublishLossTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Path dir;
  private String redis;
  private String database;

  /** Closed after each test, last first. */
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    redis = Redis.shared(); // missing: fails under CI=true, else the test is skipped
    database = Postgres.createDatabase();
    dir = Files.createTempDirectory("banter-publish-loss-");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    if (database != null) {
      Postgres.dropDatabase(database);
    }
  }

  private Map<String, String> env(String redisUrl) {
    return Map.of(
        "BANTER_DATABASE_URL", database, "BANTER_REDIS_URL", redisUrl, "BANTER_PRESENCE_TTL", "3s");
  }

  /**
   * Starts one node per env at once (each boot takes seconds of the box's two cores), named a, b,
   * c…
   */
  private List<NodeProcess> startNodes(List<Map<String, String>> envs) throws Exception {
    List<Future<NodeProcess>> starting = new ArrayList<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < envs.size(); i++) {
        String name = String.valueOf((char) ('a' + i));
        Map<String, String> env = envs.get(i);
        starting.add(pool.submit(() -> NodeProcess.start(name, dir, env)));
      }
    }
    List<NodeProcess> nodes = new ArrayList<>();
    Throwable failed = null;
    for (Future<NodeProcess> f : starting) {
      try {
        nodes.add(f.get());
      } catch (ExecutionException e) {
        failed = e.getCause();
      }
    }
    open.addAll(
        nodes); // the ones that started are stopped after the test, even when another did not start
    if (failed != null) {
      throw new AssertionError("a node did not start", failed);
    }
    return nodes;
  }

  private WsClient ws(NodeProcess node, Account a) {
    WsClient c = WsClient.connect(node.baseUrl(), a.accessToken());
    open.add(c);
    return c;
  }

  private static void join(WsClient c, String room, long sinceSeq) {
    assertThat(
            c.request(Map.of("type", "join_room", "room_id", room, "since_seq", sinceSeq))
                .get("type")
                .asText())
        .isEqualTo("joined");
  }

  /** Sends a message and returns its seq from the ack. */
  private static long send(WsClient c, String room, String body, String clientId) {
    JsonNode ack =
        c.request(
            Map.of("type", "send_message", "room_id", room, "body", body, "client_id", clientId));
    assertThat(ack.get("type").asText()).as("reply to %s", clientId).isEqualTo("ack");
    return ack.at("/message/seq").asLong();
  }

  private static List<Long> seqs(WsClient c, String room) {
    return c.ofType("new_message").stream()
        .filter(f -> room.equals(f.at("/message/room_id").asText()))
        .map(f -> f.at("/message/seq").asLong())
        .toList();
  }

  @Test
  @Timeout(120)
  void aMessageWhosePublishNeverArrivedReachesEverySubscriberOfTheOtherNodeBeforeTheNextOne()
      throws Exception {
    URI direct = URI.create(redis);
    TcpProxy redisOfA = TcpProxy.to(direct.getHost(), direct.getPort());
    open.add(redisOfA);
    List<NodeProcess> nodes =
        startNodes(List.of(env("redis://127.0.0.1:" + redisOfA.port()), env(redis)));
    NodeProcess a = nodes.get(0);
    NodeProcess b = nodes.get(1);
    Api api = b.api();
    Account alice = api.register("alice");
    String room = api.createRoom(alice, "private");
    List<Account> watchers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      watchers.add(api.register("watcher"));
      api.invite(alice, room, watchers.get(i));
    }
    WsClient first = ws(b, watchers.get(0));
    WsClient second = ws(b, watchers.get(1));
    join(first, room, 0);
    join(second, room, 0);
    WsClient throughA = ws(a, alice);
    long one = send(throughA, room, "one", "c1");
    first.await(f -> f.at("/message/seq").asLong() == one);
    second.await(f -> f.at("/message/seq").asLong() == one);

    redisOfA.blackHole();
    long stalled = send(throughA, room, "two: committed and acked on A, its publish held", "c2");
    WsClient joiner =
        ws(b, watchers.get(2)); // joins during the stall: its replay shows the stalled message
    join(joiner, room, 0);
    assertThat(seqs(joiner, room)).containsExactly(one, stalled);
    a.kill(); // the held publish dies with A: the message is stored, and no node will ever
    // announce it
    assertThat(seqs(first, room)).as("the stall held A's publish").containsExactly(one);

    long later = send(ws(b, alice), room, "three, through B", "c3");
    assertThat(List.of(one, stalled, later)).isEqualTo(List.of(1L, 2L, 3L));
    for (WsClient c : List.of(first, second, joiner)) {
      c.await(f -> f.at("/message/seq").asLong() == later);
      assertThat(seqs(c, room)).containsExactly(one, stalled, later);
    }
  }

  /**
   * A sender that keeps posting, paced, with a client_id per message, following its connection from
   * node to node like a real client: when the socket dies it reconnects to the next node and sends
   * the unacked message again with the same client_id.
   */
  private static final class Sender {
    private static final Duration PACE = Duration.ofMillis(25);
    final Account account;
    final List<String> rooms;
    final String name;

    /** The messages acked to every sender, shared: room → seq → client_id. */
    final Map<String, Map<Long, String>> acked;

    volatile WsClient ws;
    volatile boolean moved;

    Sender(Account account, List<String> rooms, Map<String, Map<Long, String>> acked) {
      this.account = account;
      this.rooms = rooms;
      this.name = account.username();
      this.acked = acked;
    }

    void run(String first, String next, AtomicBoolean stop) throws InterruptedException {
      ws = WsClient.connect(first, account.accessToken());
      for (int k = 0; !stop.get(); k++) {
        String room = rooms.get(k % rooms.size());
        String clientId = name + "-" + k;
        JsonNode ack;
        while ((ack = send(room, clientId))
            == null) { // the connection died: resend on the next node
          ws.close();
          ws = WsClient.connect(next, account.accessToken());
          moved = true;
        }
        assertThat(ack.get("type").asText()).as("reply to %s: %s", clientId, ack).isEqualTo("ack");
        assertThat(ack.at("/message/client_id").asText()).isEqualTo(clientId);
        acked.get(room).put(ack.at("/message/seq").asLong(), clientId);
        Thread.sleep(PACE); // a steady rate, not a flood: two cores serve three nodes and the test
      }
    }

    /**
     * The reply to the message, or null when the connection died first (a live one answers within
     * 10 s).
     */
    private JsonNode send(String room, String clientId) {
      String ref = WsClient.ref();
      try {
        ws.send(
            Map.of(
                "type",
                "send_message",
                "ref",
                ref,
                "room_id",
                room,
                "body",
                "m " + clientId,
                "client_id",
                clientId));
      } catch (RuntimeException e) {
        return null;
      }
      WsClient c = ws;
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(2))
          .until(() -> c.isClosed() || reply(c, ref) != null);
      return reply(c, ref);
    }

    private static JsonNode reply(WsClient c, String ref) {
      return c.frames().stream()
          .filter(f -> ref.equals(f.path("ref").asText(null)))
          .findFirst()
          .orElse(null);
    }
  }

  private static int total(Map<String, Map<Long, String>> acked) {
    return acked.values().stream().mapToInt(Map::size).sum();
  }

  @Test
  @Timeout(150)
  void killingTheSendersNodeUnderLoadLosesNoAckedMessageAndOpensNoGap() throws Exception {
    // Two nodes, not three: on a two-core box three booting at once take over 20 s each (the test
    // then runs past a minute), and on a busy one longer than a node may take to start. The
    // subscribers are all on the node that survives, so they hear A's messages only through Redis.
    List<NodeProcess> nodes = startNodes(List.of(env(redis), env(redis)));
    NodeProcess a = nodes.get(0);
    NodeProcess b = nodes.get(1);
    Api api = b.api();
    Account owner = api.register("owner");
    List<String> rooms =
        List.of(
            api.createRoom(owner, "private"),
            api.createRoom(owner, "private"),
            api.createRoom(owner, "private"));
    List<WsClient> watchers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Account w = api.register("watcher");
      rooms.forEach(r -> api.invite(owner, r, w));
      WsClient ws = ws(b, w);
      rooms.forEach(r -> join(ws, r, 0));
      watchers.add(ws);
    }
    Map<String, Map<Long, String>> acked = new ConcurrentHashMap<>();
    rooms.forEach(r -> acked.put(r, new ConcurrentHashMap<>()));
    Account late = api.register("late");
    rooms.forEach(r -> api.invite(owner, r, late));
    List<Sender> senders = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Account s = api.register("sender");
      rooms.forEach(r -> api.invite(owner, r, s));
      senders.add(new Sender(s, rooms, acked));
    }

    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> load = new ArrayList<>();
    for (Sender s : senders) {
      load.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      s.run(a.baseUrl(), b.baseUrl(), stop);
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }));
    }
    try {
      var loading =
          Awaitility.await().atMost(WAIT).failFast("a sender failed", () -> !failures.isEmpty());
      long started = System.nanoTime();
      loading.until(() -> total(acked) >= 450);
      int beforeKill = total(acked);
      long killedAt = System.nanoTime();
      a.kill(); // SIGKILL mid-run: what A committed but had not published is left to the other
      // nodes' gap fill
      WsClient joiner =
          ws(
              b,
              late); // joins from the start of each room while A's last messages may be unannounced
      rooms.forEach(r -> join(joiner, r, 0));
      watchers.add(joiner);
      loading.until(
          () -> senders.stream().allMatch(s -> s.moved) && total(acked) >= beforeKill + 450);
      System.out.printf(
          "publish loss: %d acked through a in %d ms, then %d through b in %d ms%n",
          beforeKill,
          (killedAt - started) / 1_000_000,
          total(acked) - beforeKill,
          (System.nanoTime() - killedAt) / 1_000_000);
    } finally {
      stop.set(true);
      for (Thread t : load) {
        t.join(WAIT.toMillis());
      }
      senders.forEach(s -> open.add(s.ws));
    }
    assertThat(failures).isEmpty();

    for (String room : rooms) {
      long last =
          api.get("/api/v1/rooms/" + room, owner.accessToken()).json().get("last_seq").asLong();
      assertThat(acked.get(room).keySet()).allMatch(seq -> seq <= last);
      for (WsClient w : watchers) {
        Awaitility.await().atMost(WAIT).until(() -> seqs(w, room).size() >= last);
        // Every seq of the room (acked or not) in order, each once: each delivered seq is the one
        // before plus one.
        assertThat(seqs(w, room))
            .as("seqs of %s", room)
            .isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
        Map<Long, String> delivered = new HashMap<>();
        w.ofType("new_message").stream()
            .filter(f -> room.equals(f.at("/message/room_id").asText()))
            .forEach(
                f ->
                    delivered.put(
                        f.at("/message/seq").asLong(), f.at("/message/client_id").asText()));
        assertThat(delivered).containsAllEntriesOf(acked.get(room));
      }
    }
    System.out.printf(
        "publish loss: %d messages acked, %s per room; node a killed mid-run, its %d senders moved"
            + " to b; each of %d subscribers on b (one joined after the kill) received every seq of every room once, in order%n",
        total(acked),
        rooms.stream().map(r -> acked.get(r).size()).toList(),
        senders.size(),
        watchers.size());
  }
}
