package dev.banter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.Banter;
import dev.banter.config.ConfigLoader;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fanout scenario runs end to end against an in-process Banter: it delivers, without errors. No timing asserted. */
class FanoutBenchSmokeTest {
  @Test
  void fanoutDeliversWithoutErrors() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("BANTER_HOST", "127.0.0.1");
    env.put("BANTER_PORT", "0");
    env.put("BANTER_DATA_DIR", Files.createTempDirectory("banter-bench-smoke-").toString());
    env.put("BANTER_JWT_SECRET", "bench-smoke-secret-bench-smoke-secret-0123");
    env.put("BANTER_AUTH_RATE", "1000000");
    env.put("BANTER_HTTP_RATE", "1000000");
    env.put("BANTER_MESSAGE_RATE", "100000");
    env.put("BANTER_MESSAGE_BURST", "100000");
    env.put("BANTER_WS_PER_IP", "0");
    env.put("BANTER_LOG_FORMAT", "text");
    try (Banter banter = Banter.start(new ConfigLoader(env, false).load())) {
      FanoutBench fanout = new FanoutBench();
      fanout.server.urls = List.of("http://127.0.0.1:" + banter.port());
      fanout.load.rooms = 10;
      fanout.load.members = 10;
      fanout.load.senders = 10;
      fanout.load.rate = 100;
      fanout.load.warmup = 1;
      fanout.load.seconds = 3;
      fanout.server.threads = 1;
      fanout.server.parallel = 8;
      fanout.server.sources = List.of("127.0.0.2", "127.0.0.3");

      Map<String, Object> record = new FanoutRun(fanout.server, fanout.load, new FanoutRun.Extra() {}).run();
      System.out.println(FanoutRun.summary(record));

      assertThat(record.get("connections")).isEqualTo(100L);
      assertThat(record.get("connect_failures")).isEqualTo(0L);
      assertThat((long) record.get("deliveries")).isPositive();
      assertThat(record.get("errors")).isEqualTo(0L);
      assertThat(record.get("closes")).isEqualTo(Map.of());
    }
  }
}
