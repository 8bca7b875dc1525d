package dev.banter.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.config.Config;
import dev.banter.config.ConfigLoader;
import dev.banter.core.Metrics;
import dev.banter.core.PublicAddresses;
import dev.banter.store.DataDir;
import dev.banter.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The push queue is bounded: past it a notification is dropped and counted, never waited for. */
class PushQueueBoundTest {
  @TempDir Path dir;

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() {
    Config config = new ConfigLoader(Map.of("BANTER_DATA_DIR", dir.toString()), false).load();
    DataDir.prepare(dir);
    Metrics metrics = new Metrics("test");
    // no workers: what is queued stays queued
    PushSender.Limits limits =
        new PushSender.Limits(
            2, 0, Duration.ofSeconds(1), 3, Duration.ofMillis(10), Duration.ofSeconds(1));
    try (Database db = Database.open(config);
        PushSender sender =
            new PushSender(
                db,
                VapidKeys.resolve(config),
                new PublicAddresses(false),
                Clock.systemUTC(),
                metrics,
                limits)) {
      for (int i = 0; i < 5; i++) {
        sender.notify("u" + i, Map.of("type", "notification"));
      }
      assertThat(sender.pending()).isEqualTo(2);
      assertThat(metrics.pushDropped.count()).isEqualTo(3);
    } finally {
      metrics.close();
    }
  }
}
