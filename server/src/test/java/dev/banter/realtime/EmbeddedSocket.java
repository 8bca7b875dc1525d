package dev.banter.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.core.Json;
import dev.banter.events.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Connection} on Netty's {@link EmbeddedChannel}, wired as {@link Gateway#attach} wires
 * one (the server's WebSocket encoder in front, the connection's handler last, its outbox the queue
 * onto the channel's loop), and the client's view of it: every byte written, decoded by Netty's own
 * WebSocket decoder. Nothing runs on the loop until the test says so ({@link #runLoop}), so each
 * interleaving is written down in the test instead of hoped for.
 *
 * <p>Netty's embedded loop takes every thread for its own ({@code inEventLoop()} is always true)
 * and its task queue is not thread-safe; so what another thread sends — a join's replay, an ack
 * from the writer thread, both of which {@code Connection.send} hands to the outbox off the loop —
 * is queued on the outbox directly ({@link #sendFromAnotherThread}), from the test thread.
 */
final class EmbeddedSocket implements AutoCloseable {
  /** A client's decoder: server frames are not masked; large enough for any frame a test sends. */
  private static final WebSocketDecoderConfig CLIENT_DECODER =
      WebSocketDecoderConfig.newBuilder()
          .expectMaskedFrames(false)
          .maxFramePayloadLength(1 << 20)
          .build();

  /**
   * One frame as the client decoded it: a text frame's JSON, or a close frame as {@code {code,
   * reason}}.
   */
  record Received(String type, JsonNode json) {
    /**
     * A line of the transcript the tests compare: {@code new_message 3}, {@code joined 5}, {@code
     * message_edited m3@16}, {@code ack a1}, {@code close 4008 slow_consumer}.
     */
    String line() {
      return switch (type) {
        case "new_message" -> type + " " + json.at("/message/seq").asLong();
        case "message_edited", "message_updated" ->
            type + " " + json.at("/message/id").asText() + "@" + json.path("rev").asLong();
        case "message_deleted", "reaction" ->
            type + " " + json.path("message_id").asText() + "@" + json.path("rev").asLong();
        case "joined" -> type + " " + json.path("last_seq").asLong();
        case "ack", "marker" -> type + " " + json.path("ref").asText();
        case "close" -> type + " " + json.path("code").asInt() + " " + json.path("reason").asText();
        default -> type;
      };
    }
  }

  final EmbeddedChannel channel;
  final Connection connection;
  private final EmbeddedNode node;
  private final EmbeddedChannel decoder =
      new EmbeddedChannel(new WebSocket13FrameDecoder(CLIENT_DECODER));
  private final KernelSocket socket = new KernelSocket();

  /** Every frame the test handed over, to check that each one's last owner released it. */
  private final List<ByteBuf> handed = new ArrayList<>();

  EmbeddedSocket(EmbeddedNode node) {
    this.node = node;
    channel = new EmbeddedChannel();
    channel.freezeTime(); // timers fire only when a test moves the clock (advanceMillis)
    channel.pipeline().addLast("socket", socket);
    channel
        .pipeline()
        .addLast(
            "wsencoder", new WebSocket13FrameEncoder(false)); // as the server handshake adds it
    connection =
        new Connection(
            channel, "127.0.0.1", node.protocol, node.limits, node.hub.outbox(channel.eventLoop()));
    channel.pipeline().addLast("ws", connection);
    node.hub.opened(connection);
  }

  /**
   * Runs what is queued on the connection's loop (the outbox's runs among it), as the loop would.
   */
  void runLoop() {
    channel.runPendingTasks();
  }

  /**
   * A subscription of {@code roomId}, registered with the hub, still replaying (live events wait).
   */
  Subscription subscribe(String roomId) {
    Subscription s = new Subscription(connection, roomId, node.limits.outboundBytes());
    node.hub.subscribe(s, 0);
    return s;
  }

  /**
   * A subscription of {@code roomId} that has gone live at {@code seq}, its {@code joined} already
   * read.
   */
  Subscription live(String roomId, long seq) {
    Subscription s = subscribe(roomId);
    s.startAt(seq);
    s.goLive(EmbeddedSocket::joined);
    runLoop();
    List<String> joined = transcript();
    if (!joined.equals(List.of("joined " + seq))) {
      throw new IllegalStateException("expected only joined, got " + joined);
    }
    return s;
  }

  /**
   * What {@code Connection.send} does off the loop (a join's replay, an ack from the writer
   * thread): the frame is queued on the loop's outbox. Ownership passes; the socket keeps an eye on
   * the buffer ({@link #unreleased}).
   */
  void sendFromAnotherThread(ByteBuf frame) {
    connection.outbox().send(connection, watched(frame));
  }

  void sendFromAnotherThread(ServerEvent e) {
    sendFromAnotherThread(frameOf(e));
  }

  /** A live event for {@code to} as the fan-out hands it to this loop: one batch, its own frame. */
  void fanOut(ServerEvent e, Subscription... to) {
    connection.outbox().add(e, watched(frameOf(e)), List.of(to));
  }

  /** The frames handed to this socket by the test that are still referenced, with their counts. */
  List<String> unreleased() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < handed.size(); i++) {
      if (handed.get(i).refCnt() != 0) {
        out.add("frame " + i + " refCnt " + handed.get(i).refCnt());
      }
    }
    return out;
  }

  private ByteBuf watched(ByteBuf frame) {
    handed.add(frame);
    return frame;
  }

  /**
   * The client stops reading (its socket's buffers are full: Netty's channel turns unwritable, and
   * what is still written waits in the socket, unsent), or reads again (what waited is sent, then
   * the channel turns writable). Netty says so on the loop, which this runs.
   */
  void clientReads(boolean reads) {
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, reads);
    if (reads) {
      socket.clientReads(); // may end the socket: a close frame was waiting
    } else {
      socket.clientStopsReading();
    }
    runLoop();
  }

  /** Flushes of the channel so far. */
  int flushes() {
    return socket.flushes();
  }

  /** Moves the loop's clock on by {@code millis} and runs the timers then due. */
  void advanceMillis(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    runLoop();
  }

  /** Every frame written to the client since the last call, decoded; the bytes are released. */
  List<Received> received() {
    List<Received> out = new ArrayList<>();
    for (Object written = channel.readOutbound();
        written != null;
        written = channel.readOutbound()) {
      if (!(written instanceof ByteBuf bytes)) {
        ReferenceCountUtil.release(written);
        throw new AssertionError("not encoded to bytes: " + written);
      }
      decoder.writeInbound(bytes); // the decoder owns and releases it
      for (WebSocketFrame f = decoder.readInbound(); f != null; f = decoder.readInbound()) {
        try {
          out.add(decode(f));
        } finally {
          f.release();
        }
      }
    }
    return out;
  }

  /** {@link #received} as transcript lines (see {@link Received#line}). */
  List<String> transcript() {
    return received().stream().map(Received::line).toList();
  }

  private static Received decode(WebSocketFrame f) {
    return switch (f) {
      case TextWebSocketFrame t -> {
        JsonNode json = json(t.text());
        yield new Received(json.path("type").asText(), json);
      }
      case CloseWebSocketFrame c ->
          new Received(
              "close",
              Json.MAPPER.valueToTree(Map.of("code", c.statusCode(), "reason", c.reasonText())));
      default -> new Received(f.getClass().getSimpleName(), Json.MAPPER.nullNode());
    };
  }

  static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /** A marker frame ({@code {"type":"marker","ref":ref}}), to show that nothing came before it. */
  static ByteBuf marker(String ref) {
    return unpooled(Frames.reply("marker", ref, Map.of()));
  }

  /** The {@code joined} that ends a join's replay at {@code lastSeq}. */
  static ByteBuf joined(long lastSeq) {
    return unpooled(Frames.reply("joined", "j", Map.of("last_seq", lastSeq)));
  }

  /** A reply as the writer thread sends one once a post is stored. */
  static ByteBuf ack(String ref) {
    return unpooled(Frames.reply("ack", ref, Map.of()));
  }

  /**
   * {@code e}'s frame as {@link Frames#of} makes it, in an unpooled buffer (see {@link #unpooled}).
   */
  static ByteBuf frameOf(ServerEvent e) {
    return unpooled(Frames.of(e));
  }

  /**
   * {@code pooled} (released here) copied into an unpooled buffer the caller owns: once released
   * that one reads {@code refCnt() == 0} for good, where a pooled one may be handed out again by
   * the next allocation. The leak detector still tracks it.
   */
  static ByteBuf unpooled(ByteBuf pooled) {
    try {
      return Unpooled.directBuffer(pooled.readableBytes()).writeBytes(pooled);
    } finally {
      pooled.release();
    }
  }

  @Override
  public void close() {
    channel.close();
    runLoop();
    received(); // a close frame, if any, is released with the rest
    channel.finishAndReleaseAll();
    decoder.finishAndReleaseAll();
  }
}
