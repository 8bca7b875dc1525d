package dev.banter.bench;

import dev.banter.bench.FanoutRun.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * REST history pages while the fan-out load runs: {@code --readers} clients each fetch the newest
 * page of a random member's room, one request after the other, as that member.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = "History pages per second and their latency while fan-out runs.")
final class HistoryBench implements Callable<Integer> {
  @Mixin ServerOptions server = new ServerOptions();

  @Mixin FanoutOptions load = new FanoutOptions();

  @Option(
      names = "--readers",
      defaultValue = "8",
      description = "concurrent history readers (default: ${DEFAULT-VALUE})")
  int readers = 8;

  @Option(
      names = "--page",
      defaultValue = "50",
      description = "messages per page (default: ${DEFAULT-VALUE})")
  int page = 50;

  @Override
  public Integer call() throws Exception {
    if (server.bare) {
      throw new IllegalArgumentException("the bare baseline has no history");
    }
    return FanoutBench.print(run(), server);
  }

  Map<String, Object> run() throws Exception {
    return new FanoutRun(server, load, new Readers()).run();
  }

  private final class Readers implements FanoutRun.Extra {
    private final Recorder latency = new Recorder(3);
    private final LongAdder pages = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stop;
    private long measuredFrom;
    private long pagesAtStart;

    @Override
    public void connected(FanoutRun run) {
      List<Member> members = run.members;
      for (int i = 0; i < readers; i++) {
        BanterRest rest = new BanterRest(server.urls.get(i % server.urls.size()));
        SplittableRandom random = new SplittableRandom(i);
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (!stop) {
                        Member m = members.get(random.nextInt(members.size()));
                        long t0 = System.nanoTime();
                        try {
                          rest.history(m.user, m.room.id(), page);
                          latency.recordValue(System.nanoTime() - t0);
                          pages.increment();
                        } catch (Exception e) {
                          failures.increment();
                        }
                      }
                    }));
      }
    }

    @Override
    public void measuring() {
      latency.getIntervalHistogram(); // drop the warm-up's
      pagesAtStart = pages.sum();
      measuredFrom = System.nanoTime();
    }

    @Override
    public void finished(Map<String, Object> out) throws Exception {
      long measuredPages = pages.sum() - pagesAtStart;
      double seconds = (System.nanoTime() - measuredFrom) / 1e9;
      Histogram h = latency.getIntervalHistogram();
      stop = true;
      for (Thread t : threads) {
        t.join();
      }
      out.put("scenario", "history");
      out.put("readers", readers);
      out.put("page", page);
      out.put("history_pages_per_s", FanoutBench.round(measuredPages / seconds));
      out.put("history_failures", failures.sum());
      Latency.put(out, "history_", h, server.part != null);
    }

    @Override
    public Set<String> summed() {
      return Set.of("history_pages_per_s", "history_failures", "readers");
    }
  }
}
