package dev.banter.uploads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile uploads end, and leave nothing behind: a client that disconnects halfway, one that falls
 * silent, one whose chunked body never ends. Meanwhile everyone else's uploads work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbortedUploadsTest {
  private static final int LIMIT = 1024 * 1024;

  /**
   * Open descriptors that may come and go meanwhile (the HTTP clients' pooled connections, for
   * one).
   */
  private static final int FD_SLACK = 8;

  TestServer server;
  Account mallory;
  Account alice;

  @BeforeAll
  void start() {
    // A stall timeout far above the awaits below: an abandoned upload must end because its
    // connection closed.
    server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_UPLOAD_MAX_BYTES",
                String.valueOf(LIMIT),
                "BANTER_UPLOAD_STALL_TIMEOUT",
                "5m"));
    Api api = server.api();
    mallory = api.register("mallory");
    alice = api.register("alice");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static List<Path> incoming(TestServer server) {
    Path dir = server.dataDir().resolve("uploads").resolve("incoming");
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long incomingBytes(TestServer server) {
    return incoming(server).stream()
        .mapToLong(
            p -> {
              try {
                return Files.size(p);
              } catch (IOException e) {
                return 0; // removed meanwhile
              }
            })
        .sum();
  }

  /**
   * This JVM's open descriptors (the server's and the test's), but for the database's files: the
   * connection pool opens more connections as load comes and keeps them.
   */
  private static long openFds() {
    return fdTargets().stream()
        .filter(t -> !t.matches(".*banter\\.db(-wal|-shm|-journal)?"))
        .count();
  }

  /** What each open descriptor of this JVM points to (a path, socket:[…], pipe:[…], …). */
  private static List<String> fdTargets() {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.map(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                  return ""; // closed meanwhile (the listing's own descriptor, for one)
                }
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int receiving() {
    return server.banter().uploads().receiving().get();
  }

  private void aliceCanUpload() {
    byte[] file = ("alice's notes " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    var r = Multipart.upload(server.baseUrl(), alice, "notes.txt", file);
    assertThat(r.status()).as("another client's upload: %s", r.json()).isEqualTo(201);
  }

  @Test
  void uploadsAbandonedHalfwayLeaveNoPartNoThreadAndNoOpenFile() throws Exception {
    aliceCanUpload(); // its pooled connection counts in the baseline
    long rows = server.count("uploads");
    long fds = openFds();
    int n = 20;
    List<RawUpload> abandoned = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RawUpload u = new RawUpload(server.port(), mallory.accessToken(), (long) LIMIT);
      if (i % 2 == 0) {
        u.send(
            new byte
                [100_000]); // half of them stop inside the file, the others after its part headers
      }
      abandoned.add(u);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> receiving() == n && incoming(server).size() >= n / 2);
    aliceCanUpload();

    abandoned.forEach(RawUpload::close);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(receiving()).as("upload threads still running").isZero();
              assertThat(incoming(server)).as("parts left in incoming/").isEmpty();
              assertThat(fdTargets())
                  .as("open files under uploads/")
                  .noneMatch(t -> t.startsWith(server.dataDir().resolve("uploads").toString()));
              assertThat(openFds()).as("open file descriptors").isLessThanOrEqualTo(fds + FD_SLACK);
            });
    assertThat(server.count("uploads")).isEqualTo(rows + 1);
    aliceCanUpload();
  }

  @Test
  void aChunkedBodyPastTheLimitIs413AndNeverFillsTheDisk() throws Exception {
    long rows = server.count("uploads");
    AtomicLong sent = new AtomicLong();
    AtomicLong mostOnDisk = new AtomicLong();
    long cap = 256L * 1024 * 1024;
    try (RawUpload u = new RawUpload(server.port(), mallory.accessToken(), null)) {
      // A body with no length that does not end, made of parts each under the file limit: only
      // counting every byte that arrives can bound it.
      CompletableFuture<Void> flood =
          CompletableFuture.runAsync(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                byte[] endOfPart = "\r\n".getBytes(StandardCharsets.US_ASCII);
                try {
                  for (int i = 1; sent.get() < cap; i++) {
                    u.send(chunk);
                    if (i % 4 == 0) {
                      u.send(endOfPart);
                      u.send(Multipart.preamble("part" + i + ".bin"));
                    }
                    if (sent.addAndGet(chunk.length) % (1024 * 1024) == 0) {
                      mostOnDisk.accumulateAndGet(incomingBytes(server), Math::max);
                    }
                  }
                } catch (IOException e) {
                  // the server closed the connection: what we want
                }
              });
      RawUpload.Answer answer = u.read();
      assertThat(answer.status()).isEqualTo(413);
      assertThat(answer.errorCode()).isEqualTo("payload_too_large");
      flood.get();
      assertThat(sent.get())
          .as("bytes sent before the server closed")
          .isLessThan(64L * 1024 * 1024);
    }
    assertThat(mostOnDisk.get()).as("bytes ever in incoming/").isLessThanOrEqualTo(LIMIT);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(incoming(server)).isEmpty();
              assertThat(receiving()).isZero();
            });
    assertThat(server.count("uploads")).isEqualTo(rows);
    aliceCanUpload();
  }

  @Test
  void aBodyThatFallsSilentIsEndedAfterTheStallTimeout() throws Exception {
    try (TestServer quick =
        TestServer.start(Backend.SQLITE, Map.of("BANTER_UPLOAD_STALL_TIMEOUT", "1s"))) {
      Account m = quick.api().register("mallory");
      Account a = quick.api().register("alice");
      long started = System.nanoTime();
      try (RawUpload u = new RawUpload(quick.port(), m.accessToken(), 1_000_000L)) {
        u.send(new byte[10_000]);
        var meanwhile =
            Multipart.upload(
                quick.baseUrl(), a, "a.txt", "still served".getBytes(StandardCharsets.UTF_8));
        assertThat(meanwhile.status()).isEqualTo(201);
        RawUpload.Answer answer = u.read();
        assertThat(answer.status()).isEqualTo(408);
        assertThat(answer.errorCode()).isEqualTo("request_timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(u.closedByServer()).isTrue();
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(incoming(quick)).isEmpty();
                assertThat(quick.banter().uploads().receiving().get()).isZero();
              });
      assertThat(quick.count("uploads")).isEqualTo(1);
    }
  }

  @Test
  void leftoversInIncomingAreGoneAfterARestartWhileFreshPartsStay() throws Exception {
    Path dir = server.dataDir().resolve("uploads").resolve("incoming");
    Files.createDirectories(dir);
    Path leftover = Files.write(dir.resolve("FUp_crashed.tmp"), new byte[4096]);
    Files.setLastModifiedTime(
        leftover, FileTime.fromMillis(System.currentTimeMillis() - Duration.ofHours(2).toMillis()));
    // Young enough to be another node's upload in progress (the folder may be shared by a cluster).
    Path fresh = Files.write(dir.resolve("FUp_in_progress.tmp"), new byte[4096]);

    server.restart();

    assertThat(leftover).doesNotExist();
    assertThat(fresh).exists();
    Files.delete(fresh);
    aliceCanUpload();
  }
}
