package dev.banter.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Starting uploads has a per-user budget too (the quota bounds the bytes; this, the requests). */
class UploadRateTest {
  @Test
  void aFloodOfSmallUploadsIsRefusedOnceTheBudgetIsSpentAndStoresNothingMore() {
    try (TestServer server =
        TestServer.start(Backend.SQLITE, Map.of("BANTER_USER_RATE_SCALE", "1"))) {
      Api api = server.api();
      Account a = api.register("uploader");
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        statuses.add(
            Multipart.upload(
                    server.baseUrl(),
                    a,
                    "n" + i + ".txt",
                    ("note " + i).getBytes(StandardCharsets.UTF_8))
                .status());
      }
      long refused = statuses.stream().filter(s -> s == 429).count();
      assertThat(refused).isPositive();
      assertThat(statuses.getLast()).isEqualTo(429);
      assertThat(server.count("uploads")).isEqualTo(16 - refused);
      Account other = api.register("neighbour");
      assertThat(
              Multipart.upload(
                      server.baseUrl(), other, "ok.txt", "fine".getBytes(StandardCharsets.UTF_8))
                  .status())
          .isEqualTo(201);
    }
  }
}
