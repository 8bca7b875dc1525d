package dev.banter.bench.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One open Banter WebSocket: authenticate, join rooms (each step waits for its reply), then send
 * text frames; every other received frame goes to the {@link FrameListener}.
 */
public final class WsConnection {
  private static final byte[] READY = ByteScan.bytes("\"type\":\"ready\"");
  private static final byte[] JOINED = ByteScan.bytes("\"type\":\"joined\"");

  private final Channel channel;
  private final FrameListener listener;
  // The one setup step in flight (auth or join), touched only on the event loop after creation.
  private CompletableFuture<Void> pending;
  private byte[] pendingType;

  private final Object attachment;

  WsConnection(Channel channel, FrameListener listener, Object attachment) {
    this.channel = channel;
    this.listener = listener;
    this.attachment = attachment;
  }

  /** What the caller attached when connecting (null if nothing). */
  public Object attachment() {
    return attachment;
  }

  /**
   * Sends {@code auth} with the access token; completes on {@code ready}, fails on {@code error} or
   * close.
   */
  public CompletableFuture<Void> authenticate(String token) {
    return request(READY, "{\"type\":\"auth\",\"token\":\"" + token + "\"}");
  }

  /** Sends {@code join_room} (live only, no replay); completes on {@code joined}. */
  public CompletableFuture<Void> join(String roomId) {
    return request(JOINED, "{\"type\":\"join_room\",\"room_id\":\"" + roomId + "\"}");
  }

  /**
   * Sends {@code join_room} with {@code since_seq}: the server replays what came after it (as
   * {@code new_message} frames, passed to the listener) and then answers {@code joined}.
   */
  public CompletableFuture<Void> resume(String roomId, long sinceSeq) {
    return request(
        JOINED,
        "{\"type\":\"join_room\",\"room_id\":\"" + roomId + "\",\"since_seq\":" + sinceSeq + "}");
  }

  private CompletableFuture<Void> request(byte[] replyType, String frame) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    channel
        .eventLoop()
        .execute(
            () -> {
              if (pending != null) {
                done.completeExceptionally(
                    new IllegalStateException("a setup step is already in flight"));
                return;
              }
              pending = done;
              pendingType = replyType;
              channel
                  .writeAndFlush(new TextWebSocketFrame(frame))
                  .addListener(
                      f -> {
                        if (!f.isSuccess()) {
                          finishPending(f.cause());
                        }
                      });
            });
    return done;
  }

  /** Writes a text frame (from any thread). */
  public ChannelFuture send(String text) {
    return channel.writeAndFlush(new TextWebSocketFrame(text));
  }

  /** Whether outbound bytes may be written without piling up behind the socket. */
  public boolean isWritable() {
    return channel.isWritable();
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** Closes the TCP connection (no close handshake: the bench is done with it). */
  public ChannelFuture close() {
    return channel.close();
  }

  void onText(ByteBuf utf8) {
    if (pending != null) {
      if (ByteScan.hasType(utf8, pendingType)) {
        finishPending(null);
        return;
      }
      if (ByteScan.hasType(utf8, ByteScan.ERROR)) {
        finishPending(
            new IllegalStateException("server replied " + utf8.toString(StandardCharsets.UTF_8)));
        return;
      }
    }
    listener.onText(this, utf8);
  }

  void onClose(int code) {
    finishPending(new IllegalStateException("connection closed (" + code + ") during setup"));
    listener.onClose(this, code);
  }

  private void finishPending(Throwable failure) {
    CompletableFuture<Void> p = pending;
    pending = null;
    pendingType = null;
    if (p != null) {
      if (failure == null) {
        p.complete(null);
      } else {
        p.completeExceptionally(failure);
      }
    }
  }
}
