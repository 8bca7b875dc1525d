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

  /**
   * Opens the session of connection number {@code n}: on the node {@code n} picks round-robin (so a
   * room's members are spread over the nodes), authenticated as {@code user}, joined to {@code
   * roomId}; completes when joined. Against the bare baseline: connected to its room.
   */
  static CompletableFuture<WsConnection> open(
      WsClient client,
      ServerOptions opts,
      int n,
      FrameListener listener,
      User user,
      String roomId) {
    return open(client, opts, n, listener, user, roomId, null, -1);
  }

  /** Same, with {@code attachment} on the connection. */
  static CompletableFuture<WsConnection> open(
      WsClient client,
      ServerOptions opts,
      int n,
      FrameListener listener,
      User user,
      String roomId,
      Object attachment) {
    return open(client, opts, n, listener, user, roomId, attachment, -1);
  }

  /**
   * Same, resuming after {@code sinceSeq} when it is not negative (the replay reaches the listener
   * before the returned future completes).
   */
  static CompletableFuture<WsConnection> open(
      WsClient client,
      ServerOptions opts,
      int n,
      FrameListener listener,
      User user,
      String roomId,
      Object attachment,
      long sinceSeq) {
    String url = opts.urls.get(Math.floorMod(n, opts.urls.size()));
    URI uri = BanterRest.webSocketUri(url);
    if (opts.bare) {
      return client.connect(URI.create(uri + "?room=" + roomId), listener, attachment);
    }
    return client
        .connect(uri, listener, attachment)
        .thenCompose(
            c ->
                c.authenticate(user.token())
                    .thenCompose(v -> sinceSeq < 0 ? c.join(roomId) : c.resume(roomId, sinceSeq))
                    .whenComplete(
                        (v, e) -> {
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
