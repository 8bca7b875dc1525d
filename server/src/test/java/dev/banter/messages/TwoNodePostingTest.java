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
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL database: seq and client_id hold across nodes, not just within one
 * writer.
 */
class TwoNodePostingTest {
  TestServer first;
  TestServer second;

  @BeforeEach
  void start() {
    first = TestServer.start(Backend.POSTGRES);
    second = TestServer.start(Backend.POSTGRES, Map.of("BANTER_DATABASE_URL", first.databaseUrl()));
  }

  @AfterEach
  void stop() {
    second.close();
    first.close();
  }

  @Test
  void postersOnTwoNodesGetOneGaplessSequence() throws Exception {
    Account owner = first.api().register("owner");
    String room = first.api().createRoom(owner, "public");
    List<Account> posters = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Account a = first.api().register("poster");
      first.api().invite(owner, room, a);
      posters.add(a);
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < posters.size(); p++) {
        Api node = (p % 2 == 0 ? first : second).api();
        Account a = posters.get(p);
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    assertThat(
                            node.post(
                                    "/api/v1/rooms/" + room + "/messages",
                                    Map.of("body", "m" + i),
                                    a.accessToken())
                                .status())
                        .isEqualTo(201);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    List<Long> seqs =
        first
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT seq FROM messages WHERE room_id = :r ORDER BY seq")
                        .bind("r", room)
                        .mapTo(Long.class)
                        .list());
    assertThat(seqs).isEqualTo(LongStream.rangeClosed(1, 800).boxed().toList());
  }

  @Test
  void theSameClientIdRacingOnTwoNodesIsStoredOnce() throws Exception {
    Account a = first.api().register("racer");
    String room = first.api().createRoom(a, "public");
    for (int round = 0; round < 20; round++) {
      String clientId = "race-" + round;
      Set<String> ids = Collections.synchronizedSet(new HashSet<>());
      try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          Api node = (i % 2 == 0 ? first : second).api();
          done.add(
              pool.submit(
                  () -> {
                    Reply r =
                        node.post(
                            "/api/v1/rooms/" + room + "/messages",
                            Map.of("body", "x", "client_id", clientId),
                            a.accessToken());
                    assertThat(r.status()).isIn(200, 201);
                    ids.add(r.json().get("id").asText());
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      }
      assertThat(ids).as(clientId).hasSize(1);
    }
    List<Long> seqs =
        first
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT seq FROM messages WHERE room_id = :r ORDER BY seq")
                        .bind("r", room)
                        .mapTo(Long.class)
                        .list());
    assertThat(seqs).isEqualTo(LongStream.rangeClosed(1, 20).boxed().toList());
  }
}
