package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.RawWs;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A mixed load of well-behaved clients and every abuse at once, for a bounded time (30 s here;
 * {@code -Dbanter.soak.seconds=600} for longer): the well-behaved clients' messages are all acked
 * and delivered to every member exactly once in order, and once the abusers leave, the server's
 * heap, threads and open files come back to where they were.
 */
class SoakTest {
  static final int SECONDS = Integer.getInteger("banter.soak.seconds", 30);

  /** Abusers come from another loopback address: per-address limits must not fall on the others. */
  static final String ABUSER = "127.0.0.2";

  static final int GOOD = 6;

  @Test
  void wellBehavedClientsNoticeNothingAndTheServerReturnsToItsBaseline() throws Exception {
    try (TestServer server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_GUEST_ACCESS",
                "true",
                "BANTER_USER_RATE_SCALE",
                "1",
                "BANTER_MESSAGE_RATE",
                "10",
                "BANTER_MESSAGE_BURST",
                "20",
                "BANTER_HTTP_RATE",
                "1200",
                "BANTER_WS_QUEUE_BYTES",
                "262144",
                "BANTER_UPLOAD_STALL_TIMEOUT",
                "2s"))) {
      Api api = server.api();
      Account owner = api.register("host");
      String room = api.createRoom(owner, "public");
      List<Account> good = new ArrayList<>(List.of(owner));
      for (int i = 1; i < GOOD; i++) {
        Account a = api.register("good");
        Api.expect(api.post("/api/v1/rooms/" + room + "/join", Map.of(), a.accessToken()), 200);
        good.add(a);
      }
      List<WsClient> sockets = new ArrayList<>();
      for (Account a : good) {
        WsClient c = WsClient.connect(server.baseUrl(), a.accessToken());
        c.request(Map.of("type", "join_room", "room_id", room, "since_seq", 0));
        sockets.add(c);
      }
      Resources baseline = Resources.settled();

      long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
      Account villain = api.register("villain");
      Api.expect(api.post("/api/v1/rooms/" + room + "/join", Map.of(), villain.accessToken()), 200);
      List<Thread> abusers = new ArrayList<>();
      ConcurrentLinkedQueue<AutoCloseable> held = new ConcurrentLinkedQueue<>();
      AtomicInteger abuses = new AtomicInteger();
      String only = System.getProperty("banter.soak.abuses", "");
      for (Abuse abuse : Abuse.values()) {
        if (!only.isEmpty() && !List.of(only.split(",")).contains(abuse.name())) {
          continue;
        }
        abusers.add(
            Thread.ofVirtual()
                .name("abuser-" + abuse)
                .start(
                    () -> {
                      while (System.nanoTime() < deadline) {
                        try {
                          abuse.once(server, villain, room, held);
                          abuses.incrementAndGet();
                        } catch (Exception e) {
                          // refused, reset or closed by the server: that is the point; go again
                        }
                      }
                    }));
      }

      // the well-behaved: two messages a second each, every one with a client_id, all acked
      ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
      List<String> failures = new CopyOnWriteArrayList<>();
      List<Thread> posters = new ArrayList<>();
      for (int i = 0; i < GOOD; i++) {
        WsClient c = sockets.get(i);
        int n = i;
        posters.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int k = 0; System.nanoTime() < deadline; k++) {
                        JsonNode reply;
                        try {
                          reply =
                              c.request(
                                  Map.of(
                                      "type",
                                      "send_message",
                                      "room_id",
                                      room,
                                      "body",
                                      "m" + n + "-" + k,
                                      "client_id",
                                      "g" + n + "-" + k));
                        } catch (RuntimeException e) {
                          failures.add("no answer in time: " + e);
                          continue;
                        }
                        if ("ack".equals(reply.path("type").asText())) {
                          acked.add(reply.at("/message/seq").asLong());
                        } else {
                          failures.add(reply.toString());
                        }
                        try {
                          Thread.sleep(500); // a person's pace, not a test of speed
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    }));
      }
      for (Thread t : posters) {
        t.join();
      }
      for (Thread t : abusers) {
        t.join();
      }
      for (AutoCloseable c : held) {
        try {
          c.close();
        } catch (Exception e) {
          // already gone
        }
      }
      System.out.printf("soak: %d s, %d acked, %d abuses%n", SECONDS, acked.size(), abuses.get());

      assertThat(failures).as("the well-behaved were refused nothing").isEmpty();
      assertThat(acked).hasSizeGreaterThan(GOOD * SECONDS); // ~2 a second each
      Set<Long> all = new TreeSet<>(acked);
      long last =
          server
              .db()
              .withHandle(
                  h ->
                      h.createQuery("SELECT last_seq FROM rooms WHERE id = :r")
                          .bind("r", room)
                          .mapTo(Long.class)
                          .one());
      for (WsClient c : sockets) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    c.ofType("new_message").stream()
                            .mapToLong(f -> f.at("/message/seq").asLong())
                            .max()
                            .orElse(0)
                        >= last);
        List<Long> seen =
            c.ofType("new_message").stream().map(f -> f.at("/message/seq").asLong()).toList();
        assertThat(seen).as("every seq once, in order").isSorted().doesNotHaveDuplicates();
        assertThat(seen).containsAll(all);
        assertThat(c.isClosed()).isFalse();
      }
      sockets.forEach(WsClient::close);

      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> Resources.settled().assertNear(baseline));
    }
  }

  /** What the server holds, as this JVM (the server runs in it) sees it. */
  record Resources(long heapBytes, int platformThreads, long openFiles) {
    static Resources settled() throws IOException {
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();
      long fds;
      try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
        fds = s.count();
      }
      return new Resources(heap, threads, fds);
    }

    void assertNear(Resources base) {
      assertThat(heapBytes).as("heap").isLessThan(base.heapBytes + 64L * 1024 * 1024);
      assertThat(platformThreads)
          .as("platform threads")
          .isLessThanOrEqualTo(base.platformThreads + 8);
      assertThat(openFiles).as("open files").isLessThanOrEqualTo(base.openFiles + 24);
    }
  }

  /** A socket from the abusers' address. */
  static Socket from(TestServer server) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(ABUSER, 0));
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
    s.setSoTimeout(2000);
    return s;
  }

  /** Each abuse, done once per call; the loop above repeats it until the end. */
  enum Abuse {
    /** Half a request head, never finished. */
    SLOWLORIS {
      void once(
          TestServer server,
          Account villain,
          String room,
          ConcurrentLinkedQueue<AutoCloseable> held)
          throws Exception {
        Socket s = from(server);
        held.add(s);
        s.getOutputStream()
            .write(
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        Thread.sleep(200);
      }
    },
    /** Pipelined requests on a connection that never reads. */
    PIPELINE_NO_READ {
      void once(
          TestServer server,
          Account villain,
          String room,
          ConcurrentLinkedQueue<AutoCloseable> held)
          throws Exception {
        try (Socket s = from(server)) {
          s.setReceiveBufferSize(4096);
          OutputStream out = s.getOutputStream();
          byte[] req =
              "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
          for (int i = 0; i < 200; i++) {
            out.write(req);
          }
          out.flush();
          Thread.sleep(300);
        }
      }
    },
    /** An upload started, half sent, then dropped. */
    ABORTED_UPLOAD {
      void once(
          TestServer server,
          Account villain,
          String room,
          ConcurrentLinkedQueue<AutoCloseable> held)
          throws Exception {
        try (Socket s = from(server)) {
          String boundary = "soakboundary";
          String head =
              "POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + villain.accessToken()
                  + "\r\nContent-Type: multipart/form-data; boundary="
                  + boundary
                  + "\r\nContent-Length: 5000000\r\n\r\n"
                  + "--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                  + "Content-Type: application/octet-stream\r\n\r\n";
          OutputStream out = s.getOutputStream();
          out.write(head.getBytes(StandardCharsets.US_ASCII));
          out.write(new byte[100_000]);
          out.flush();
          Thread.sleep(100);
        }
      }
    },
    /** Unknown paths, each a possible cache entry. */
    UNKNOWN_PATHS {
      void once(
          TestServer server,
          Account villain,
          String room,
          ConcurrentLinkedQueue<AutoCloseable> held)
          throws Exception {
        try (Socket s = from(server)) {
          OutputStream out = s.getOutputStream();
          for (int i = 0; i < 50; i++) {
            out.write(
                ("GET /no-such-"
                        + ThreadLocalRandom.current().nextLong()
                        + ".js HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
          }
          out.flush();
          s.getInputStream().read(new byte[65536]);
        }
      }
    },
    /** Sends far over the rate, until closed 4029. */
    SEND_FLOOD {
      void once(
          TestServer server,
          Account villain,
          String room,
          ConcurrentLinkedQueue<AutoCloseable> held)
          throws Exception {
        try (RawWs ws = new RawWs(server.port(), "/ws?token=" + villain.accessToken(), 0)) {
          for (int i = 0; i < 200; i++) {
            ws.sendText(
                "{\"type\":\"send_message\",\"room_id\":\""
                    + room
                    + "\",\"body\":\"spam\",\"client_id\":\"s"
                    + ThreadLocalRandom.current().nextLong()
                    + "\"}");
          }
          Thread.sleep(200);
        }
      }
    },
    /** Garbage: invalid JSON, unknown types, binary frames, pings by the hundred. */
    GARBAGE_AND_PINGS {
      void once(
          TestServer server,
          Account villain,
          String room,
          ConcurrentLinkedQueue<AutoCloseable> held)
          throws Exception {
        try (RawWs ws = new RawWs(server.port(), "/ws?token=" + villain.accessToken(), 0)) {
          byte[] junk = new byte[512];
          for (int i = 0; i < 100; i++) {
            ThreadLocalRandom.current().nextBytes(junk);
            ws.sendText("{\"type\":\"nope\",\"x\":[[[[[[[[");
            ws.sendFrame(0x2, junk);
            ws.sendFrame(0x9, new byte[100]);
            ws.sendText("{\"type\":\"typing\",\"room_id\":\"" + room + "\",\"active\":true}");
          }
          Thread.sleep(100);
        }
      }
    },
    /** Joined to the busy room and never reading: must be closed 4008, not held. */
    NON_READER {
      void once(
          TestServer server,
          Account villain,
          String room,
          ConcurrentLinkedQueue<AutoCloseable> held)
          throws Exception {
        RawWs ws = new RawWs(server.port(), "/ws?token=" + villain.accessToken(), 2048);
        held.add(ws);
        ws.sendText("{\"type\":\"join_room\",\"room_id\":\"" + room + "\",\"since_seq\":0}");
        Thread.sleep(3000);
        ws.close();
      }
    },
    /** Reactions as fast as the API answers. */
    REACTION_FLOOD {
      void once(
          TestServer server,
          Account villain,
          String room,
          ConcurrentLinkedQueue<AutoCloseable> held) {
        Api api = server.api();
        JsonNode page =
            api.get("/api/v1/rooms/" + room + "/messages?limit=1", villain.accessToken()).json();
        if (page.path("messages").isEmpty()) {
          return;
        }
        String id = page.at("/messages/0/id").asText();
        for (int i = 0; i < 20; i++) {
          api.put(
              "/api/v1/rooms/" + room + "/messages/" + id + "/reactions/%F0%9F%98%80",
              Map.of(),
              villain.accessToken());
          api.delete(
              "/api/v1/rooms/" + room + "/messages/" + id + "/reactions/%F0%9F%98%80",
              villain.accessToken());
        }
      }
    };

    abstract void once(
        TestServer server, Account villain, String room, ConcurrentLinkedQueue<AutoCloseable> held)
        throws Exception;
  }
}
