package dev.banter.bench;

import dev.banter.bench.BanterRest.User;
import dev.banter.bench.ws.ByteScan;
import dev.banter.bench.ws.FrameListener;
import dev.banter.bench.ws.WsClient;
import dev.banter.bench.ws.WsConnection;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Durable acked sends per second through the WebSocket: every connection keeps {@code --window}
 * sends in flight and sends the next one when an {@code ack} arrives (the server acks after the
 * message is committed). Reports acks/s and send→ack latency. Whether SQLite or PostgreSQL is
 * measured is the server's choice ({@code BANTER_DATABASE_URL}).
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = "Durable acked messages per second through the WebSocket, and ack latency.")
final class StoreBench implements Callable<Integer> {
  private static final byte[] CLIENT_ID = ByteScan.bytes("\"client_id\":\"s-");

  @Mixin ServerOptions server = new ServerOptions();

  @Option(
      names = "--connections",
      defaultValue = "64",
      description = "sending connections (default: ${DEFAULT-VALUE})")
  int connections = 64;

  @Option(
      names = "--rooms",
      defaultValue = "8",
      description = "rooms the connections are spread over (default: ${DEFAULT-VALUE})")
  int rooms = 8;

  @Option(
      names = "--window",
      defaultValue = "4",
      description = "sends in flight per connection (default: ${DEFAULT-VALUE})")
  int window = 4;

  @Option(
      names = "--seconds",
      defaultValue = "20",
      description = "measured seconds (default: ${DEFAULT-VALUE})")
  int seconds = 20;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "warm-up seconds (default: ${DEFAULT-VALUE})")
  int warmup = 10;

  private final Recorder latency = new Recorder(3);
  private final LongAdder acks = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicReference<String> errorSample = new AtomicReference<>();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean stopping;

  @Override
  public Integer call() throws Exception {
    if (server.bare) {
      throw new IllegalArgumentException("the bare baseline stores nothing");
    }
    Map<String, Object> r = run();
    System.out.println(FanoutBench.JSON.writeValueAsString(r));
    System.out.printf(
        "store %d connections × %d in flight over %d rooms: %,.0f acked messages/s, send→ack p50 %.2f ms "
            + "p99 %.2f ms max %.2f ms, errors %d%n",
        connections,
        window,
        rooms,
        (double) r.get("acks_per_s"),
        r.get("ack_p50_ms"),
        r.get("ack_p99_ms"),
        r.get("ack_max_ms"),
        (long) r.get("errors"));
    return 0;
  }

  Map<String, Object> run() throws Exception {
    int perRoom = (connections + rooms - 1) / rooms;
    Population pop =
        Population.create(server, rooms, r -> Math.min(perRoom, connections - r * perRoom));
    FrameListener listener =
        new FrameListener() {
          @Override
          public void onText(WsConnection c, ByteBuf utf8) {
            if (ByteScan.hasType(utf8, ByteScan.ACK)) {
              int at = ByteScan.indexOf(utf8, CLIENT_ID, utf8.readerIndex());
              if (at >= 0) {
                latency.recordValue(
                    Math.max(
                        0, System.nanoTime() - ByteScan.parseLong(utf8, at + CLIENT_ID.length)));
              }
              acks.increment();
              if (!stopping) {
                send(c, (String) c.attachment());
              }
            } else if (ByteScan.hasType(utf8, ByteScan.ERROR)) {
              errors.increment();
              errorSample.compareAndSet(null, utf8.toString(StandardCharsets.UTF_8));
            }
          }

          @Override
          public void onClose(WsConnection c, int code) {
            if (!stopping) {
              errors.increment();
              errorSample.compareAndSet(null, "closed with " + code);
            }
          }
        };
    Map<String, Object> out = new LinkedHashMap<>();
    try (WsClient client = new WsClient(server.threads, server.sources)) {
      List<CompletableFuture<WsConnection>> opened = new ArrayList<>();
      int n = 0;
      for (Population.RoomOf room : pop.rooms) {
        for (User u : room.members()) {
          opened.add(Sessions.open(client, server, n++, listener, u, room.id(), room.id()));
        }
      }
      List<WsConnection> open = new ArrayList<>();
      for (CompletableFuture<WsConnection> f : opened) {
        open.add(f.get(60, TimeUnit.SECONDS));
      }
      for (WsConnection c : open) {
        for (int w = 0; w < window; w++) {
          send(c, (String) c.attachment());
        }
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
      latency.getIntervalHistogram();
      long acks0 = acks.sum();
      long t0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      long measured = acks.sum() - acks0;
      double secs = (System.nanoTime() - t0) / 1e9;
      Histogram h = latency.getIntervalHistogram();
      stopping = true;
      open.forEach(WsConnection::close);
      out.put("scenario", "store");
      out.put("urls", server.urls);
      out.put("connections", connections);
      out.put("rooms", rooms);
      out.put("window", window);
      out.put("warmup_s", warmup);
      out.put("seconds", seconds);
      out.put("acks_per_s", FanoutBench.round(measured / secs));
      Latency.put(out, "ack_", h, false);
      out.put("errors", errors.sum());
      out.put("error_sample", errorSample.get());
      out.put("setup_users_rooms_ms", pop.setupMillis);
    }
    return out;
  }

  private void send(WsConnection c, String roomId) {
    c.send(
        "{\"type\":\"send_message\",\"room_id\":\""
            + roomId
            + "\",\"body\":\"store bench message\",\"client_id\":\"s-"
            + System.nanoTime()
            + "-"
            + sequence.incrementAndGet()
            + "\"}");
  }
}
