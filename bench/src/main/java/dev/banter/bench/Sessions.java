package dev.banter.bench;

import dev.banter.bench.BanterRest.User;
import dev.banter.bench.ws.FrameListener;
import dev.banter.bench.ws.WsClient;
import dev.banter.bench.ws.WsConnection;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Opening a member's session (connect, auth, join its room) and counting closes by code. */
final class Sessions {
  private Sessions() {}

  /** Connects, authenticates as {@code user} and joins {@code roomId}; completes when joined. */
  static CompletableFuture<WsConnection> open(WsClient client, URI uri, FrameListener listener, User user, String roomId) {
    return client.connect(uri, listener)
        .thenCompose(c -> c.authenticate(user.token())
            .thenCompose(v -> c.join(roomId))
            .whenComplete((v, e) -> {
              if (e != null) {
                c.close();
              }
            })
            .thenApply(v -> c));
  }

  /** Close codes seen while a scenario was running (-1: closed without a close frame). */
  static final class CloseCodes {
    private final Map<Integer, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile boolean tearingDown;

    void record(int code) {
      if (!tearingDown) {
        counts.computeIfAbsent(code, k -> new LongAdder()).increment();
      }
    }

    /** From now on closes are the scenario's own and are not counted. */
    void tearDown() {
      tearingDown = true;
    }

    long total() {
      return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> toMap() {
      Map<String, Long> m = new TreeMap<>();
      counts.forEach((k, v) -> m.put(String.valueOf(k), v.sum()));
      return m;
    }
  }
}
