package dev.banter.bench.jmh;

import dev.banter.bench.InProcess;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.messages.MessageService;
import dev.banter.messages.PostOutcome.Posted;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable posts per second through {@code MessageService.post} (validation, then the group-commit
 * writer) on SQLite in a temporary directory: one poster, and 64 posting at once into a few rooms,
 * each waiting for its commit. {@code batch=1} — a transaction and an fsync per post — is the
 * baseline group commit is compared with.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GroupCommitBenchmark {
  static final int ROOMS = 4;
  static final String BODY = "Still on for the release review at three?";

  /** Posts stored in one transaction at most: Banter's own bound, and one. */
  @Param({"256", "1"})
  public int batch;

  InProcess app;
  MessageService messages;
  Principal owner;
  final List<String> rooms = new ArrayList<>();
  final AtomicInteger posters = new AtomicInteger();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    app = new InProcess(null);
    owner = app.register("owner");
    for (int r = 0; r < ROOMS; r++) {
      rooms.add(app.rooms.create(owner, "commit-" + r, null, "private").id());
    }
    messages =
        new MessageService(
            app.db,
            app.rooms,
            app.bus,
            app.clock,
            batch,
            new Metrics("bench"),
            UserLimits.unlimited());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    messages.close();
    app.close();
  }

  /** One posting thread: its own user, a member of one of the rooms. */
  @State(Scope.Thread)
  public static class Poster {
    Principal user;
    String room;

    @Setup(Level.Trial)
    public void setUp(GroupCommitBenchmark bench) {
      int n = bench.posters.getAndIncrement();
      user = bench.app.register("poster_" + n);
      room = bench.rooms.get(n % ROOMS);
      bench.app.rooms.invite(bench.owner, room, user.username());
    }
  }

  @Benchmark
  @Threads(1)
  public Posted onePoster(Poster p) {
    return post(p);
  }

  @Benchmark
  @Threads(64)
  public Posted postersX64(Poster p) {
    return post(p);
  }

  Posted post(Poster p) {
    return messages.post(p.user, p.room, BODY, null, null, null);
  }
}
