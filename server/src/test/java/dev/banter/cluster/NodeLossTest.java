package dev.banter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.NodeProcess;
import dev.banter.support.Postgres;
import dev.banter.support.Redis;
import dev.banter.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The loss test: under a steady send load through one node, another node holding subscribers is
 * killed with SIGKILL; its clients reconnect to a survivor and resume by seq. Afterwards every
 * client holds every acked message of its room exactly once, in order.
 */
class NodeLossTest {

  /** A subscriber that follows its room across reconnects, like a real client would. */
  static final class Follower {
    final Account account;
    final String room;
    final List<Long> seqs = new ArrayList<>();
    WsClient ws;
    int taken;
    long last;

    Follower(Account account, String room) {
      this.account = account;
      this.room = room;
    }

    void connect(String baseUrl) {
      ws = WsClient.connect(baseUrl, account.accessToken());
      taken = 0;
      Map<String, Object> join = new HashMap<>();
      join.put("type", "join_room");
      join.put("room_id", room);
      join.put("since_seq", last);
      JsonNode joined = ws.request(join);
      assertThat(joined.get("type").asText()).isEqualTo("joined");
    }

    /**
     * Appends what arrived on the current connection since the last call: duplicates and disorder
     * included.
     */
    synchronized void collect() {
      List<JsonNode> frames = ws.ofType("new_message");
      for (JsonNode f : frames.subList(taken, frames.size())) {
        long seq = f.at("/message/seq").asLong();
        seqs.add(seq);
        last = Math.max(last, seq);
      }
      taken = frames.size();
    }
  }

  @Test
  void killingANodeLosesNoAckedMessage() throws Exception {
    Path dir = Files.createTempDirectory("banter-loss-");
    String database = Postgres.createDatabase();
    Map<String, String> env =
        Map.of(
            "BANTER_DATABASE_URL",
            database,
            "BANTER_REDIS_URL",
            Redis.shared(),
            "BANTER_PRESENCE_TTL",
            "3s");
    try (NodeProcess sender = NodeProcess.start("sender", dir, env);
        NodeProcess survivor = NodeProcess.start("survivor", dir, env)) {
      NodeProcess victim = NodeProcess.start("victim", dir, env);
      Api api = sender.api();
      Account owner = api.register("owner");
      List<String> rooms =
          List.of(api.createRoom(owner, "public"), api.createRoom(owner, "public"));
      List<Follower> followers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Account a = api.register("follower");
        String room = rooms.get(i % 2);
        api.invite(owner, room, a);
        Follower f = new Follower(a, room);
        f.connect(victim.baseUrl());
        followers.add(f);
      }
      Map<String, Set<Long>> acked = new ConcurrentHashMap<>();
      rooms.forEach(r -> acked.put(r, ConcurrentHashMap.newKeySet()));
      AtomicBoolean stop = new AtomicBoolean();
      WsClient out = WsClient.connect(sender.baseUrl(), owner.accessToken());
      List<Throwable> loadFailure = new CopyOnWriteArrayList<>();
      Thread load =
          Thread.ofVirtual()
              .start(
                  () -> {
                    int i = 0;
                    while (!stop.get()) {
                      try {
                        String room = rooms.get(i % 2);
                        JsonNode ack =
                            out.request(
                                Map.of(
                                    "type",
                                    "send_message",
                                    "room_id",
                                    room,
                                    "body",
                                    "m" + i,
                                    "client_id",
                                    "c" + i));
                        if ("ack".equals(ack.get("type").asText())) {
                          acked.get(room).add(ack.at("/message/seq").asLong());
                        }
                      } catch (RuntimeException | AssertionError e) {
                        loadFailure.add(e);
                        return;
                      }
                      i++;
                    }
                  });
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .failFast("the load stopped", () -> !loadFailure.isEmpty())
          .until(() -> acked.values().stream().mapToInt(Set::size).sum() >= 200);
      followers.forEach(Follower::collect);
      victim.kill(); // SIGKILL while the load runs
      for (Follower f : followers) {
        assertThat(f.ws.closeCode()).isNotEqualTo(1000);
        f.collect();
        f.connect(survivor.baseUrl()); // reconnect elsewhere and resume from the last seq seen
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .failFast("the load stopped", () -> !loadFailure.isEmpty())
          .until(() -> acked.values().stream().mapToInt(Set::size).sum() >= 600);
      stop.set(true);
      load.join();
      for (Follower f : followers) {
        long highest = acked.get(f.room).stream().mapToLong(Long::longValue).max().orElse(0);
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  f.collect();
                  return f.last >= highest;
                });
      }
      int totalAcked = acked.values().stream().mapToInt(Set::size).sum();
      for (Follower f : followers) {
        List<Long> expected = acked.get(f.room).stream().sorted().toList();
        assertThat(f.seqs).as("follower of %s", f.room).isEqualTo(expected);
        // every seq of the room (acked or not) is gapless too: the database is the truth
        assertThat(f.seqs).isEqualTo(LongStream.rangeClosed(1, expected.size()).boxed().toList());
      }
      System.out.printf(
          "node loss: %d messages acked through %s; %s killed with %d subscribers; "
              + "each of %d followers received all %s messages of its room exactly once, in order%n",
          totalAcked,
          sender.nodeId(),
          victim.nodeId(),
          followers.size(),
          followers.size(),
          rooms.stream().map(r -> String.valueOf(acked.get(r).size())).toList());
      out.close();
      followers.forEach(f -> f.ws.close());
    } finally {
      Postgres.dropDatabase(database);
    }
  }
}
