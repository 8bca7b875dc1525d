package dev.banter.bench;

import dev.banter.bench.FanoutRun.Member;
import dev.banter.bench.ws.ByteScan;
import dev.banter.bench.ws.WsConnection;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Under the fan-out load, drops a fraction of the receiving members every few seconds and
 * reconnects them with {@code since_seq} = the last seq they saw. Every member checks that the seqs
 * it receives follow each other: a jump is a gap, a repeat a duplicate (both must be 0). At the end
 * every member must have reached its room's last seq. Resume latency is from the start of the
 * reconnect to {@code joined} (connect, upgrade, auth, replay).
 */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description =
        "Reconnects under fan-out: gaps and duplicates seen by clients, and resume latency.")
final class ResumeBench implements Callable<Integer> {
  private static final byte[] SEQ = ByteScan.bytes("\"seq\":");

  @Mixin ServerOptions server = new ServerOptions();

  @Mixin FanoutOptions load = new FanoutOptions();

  @Option(
      names = "--churn",
      defaultValue = "0.1",
      description =
          "fraction of the receiving members dropped each round (default: ${DEFAULT-VALUE})")
  double churn = 0.1;

  @Option(
      names = "--every",
      defaultValue = "2",
      description = "seconds between rounds (default: ${DEFAULT-VALUE})")
  double every = 2;

  @Option(
      names = "--down-ms",
      defaultValue = "300",
      description = "how long a dropped member stays away (default: ${DEFAULT-VALUE})")
  int downMillis = 300;

  @Override
  public Integer call() throws Exception {
    if (server.bare) {
      throw new IllegalArgumentException("resume needs Banter's seqs; the bare baseline has none");
    }
    return FanoutBench.print(run(), server);
  }

  Map<String, Object> run() throws Exception {
    return new FanoutRun(server, load, new Churn()).run();
  }

  /** Each member's view of its room's seqs. */
  private static final class Seen {
    long last = -1;
    long gaps;
    long duplicates;
  }

  private final class Churn implements FanoutRun.Extra {
    private final Map<Member, Seen> seen = new ConcurrentHashMap<>();
    private final Recorder resumeLatency = new Recorder(3);
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final List<CompletableFuture<?>> inFlight = new ArrayList<>();
    private volatile boolean stop;
    private Thread thread;

    @Override
    public void connected(FanoutRun run) {
      run.members.forEach(m -> seen.put(m, new Seen()));
      thread = Thread.ofPlatform().name("churn").start(() -> churn(run));
    }

    @Override
    public void delivered(Member member, ByteBuf utf8) {
      int at = ByteScan.indexOf(utf8, SEQ, utf8.readerIndex());
      long seq = at < 0 ? -1 : ByteScan.parseLong(utf8, at + SEQ.length);
      Seen s = seen.get(member);
      if (seq < 0 || s == null) {
        return;
      }
      synchronized (s) {
        if (s.last >= 0 && seq <= s.last) {
          s.duplicates++;
        } else {
          if (s.last >= 0 && seq > s.last + 1) {
            s.gaps += seq - s.last - 1;
          }
          s.last = seq;
        }
      }
    }

    private void churn(FanoutRun run) {
      SplittableRandom random = new SplittableRandom(7);
      List<Member> receivers =
          run.members.stream().filter(m -> !m.sender && m.connection != null).toList();
      long next = System.nanoTime();
      while (!stop) {
        next += (long) (every * 1e9);
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        if (stop) {
          break;
        }
        for (Member m : receivers) {
          if (random.nextDouble() < churn && m.connection != null) {
            drop(run, m);
          }
        }
      }
    }

    /** Drops the member's connection and, after the down time, resumes from the last seq it saw. */
    private void drop(FanoutRun run, Member m) {
      WsConnection old = m.connection;
      m.connection = null;
      m.generation++;
      old.close();
      CompletableFuture<WsConnection> back =
          CompletableFuture.supplyAsync(
                  () -> null, CompletableFuture.delayedExecutor(downMillis, TimeUnit.MILLISECONDS))
              .thenCompose(
                  x -> {
                    long t0 = System.nanoTime();
                    Seen s = seen.get(m);
                    long since;
                    synchronized (s) {
                      since = s.last;
                    }
                    return run.open(m, since)
                        .whenComplete(
                            (c, e) -> {
                              if (e == null) {
                                resumeLatency.recordValue(System.nanoTime() - t0);
                                reconnects.increment();
                                m.connection = c;
                              } else {
                                failed.increment();
                              }
                            });
                  });
      synchronized (inFlight) {
        inFlight.add(back);
      }
    }

    @Override
    public void finished(Map<String, Object> out) throws Exception {
      stop = true;
      thread.join();
      List<CompletableFuture<?>> pending;
      synchronized (inFlight) {
        pending = List.copyOf(inFlight);
      }
      for (CompletableFuture<?> f : pending) {
        try {
          f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          // counted as failed
        }
      }
      long behind = awaitCaughtUp(10);
      long gaps = 0;
      long duplicates = 0;
      for (Seen s : seen.values()) {
        synchronized (s) {
          gaps += s.gaps;
          duplicates += s.duplicates;
        }
      }
      out.put("scenario", "resume");
      out.put("churn_fraction", churn);
      out.put("churn_every_s", every);
      out.put("down_ms", downMillis);
      out.put("reconnects", reconnects.sum());
      out.put("reconnect_failures", failed.sum());
      out.put("gaps", gaps);
      out.put("duplicates", duplicates);
      out.put("members_behind_at_end", behind);
      Latency.put(out, "resume_", resumeLatency.getIntervalHistogram(), server.part != null);
    }

    /**
     * Waits until every member reached the highest seq seen in its room; returns how many did not.
     */
    private long awaitCaughtUp(int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (true) {
        Map<String, Long> end = new HashMap<>();
        seen.forEach(
            (m, s) -> {
              synchronized (s) {
                end.merge(m.room.id(), s.last, Math::max);
              }
            });
        long behind =
            seen.entrySet().stream()
                .filter(
                    e -> {
                      synchronized (e.getValue()) {
                        return e.getValue().last < end.get(e.getKey().room.id());
                      }
                    })
                .count();
        if (behind == 0 || System.nanoTime() > deadline) {
          return behind;
        }
        Thread.sleep(100);
      }
    }

    @Override
    public Set<String> summed() {
      return Set.of(
          "reconnects", "reconnect_failures", "gaps", "duplicates", "members_behind_at_end");
    }
  }
}
