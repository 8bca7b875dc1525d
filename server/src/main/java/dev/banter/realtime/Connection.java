package dev.banter.realtime;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection: decodes frames on its event loop, hands them in order to a virtual
 * thread (one at a time, so a client's frames are handled in the order sent), and owns its outbound
 * path — a bounded backlog in front of Netty's buffer; a client that lets it overflow is closed
 * with 4008 instead of holding memory or delaying anyone else.
 */
final class Connection extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /**
   * Frames waiting for the virtual thread; above PAUSE the socket is not read until below RESUME.
   */
  private static final int INBOX_PAUSE = 64;

  private static final int INBOX_RESUME = 16;

  /**
   * Client pings answered: a burst of this many, then {@link #PINGS_PER_SECOND}; past that they are
   * dropped unanswered (a live client pings every few seconds; a flood is only load).
   */
  private static final int PING_BURST = 10;

  private static final double PINGS_PER_SECOND = 2;

  /** A close frame that the client does not acknowledge within this time ends the socket anyway. */
  private static final long CLOSE_GRACE_MS = 2_000;

  private final Channel channel;

  /** The queue onto this connection's event loop shared with the fan-out. */
  private final LoopOutbox outbox;

  private final String ip;
  private final long openedAt = System.currentTimeMillis();
  private final Protocol protocol;
  private final Gateway.Limits limits;

  /** Null until the first {@code auth} frame succeeds. */
  private volatile Session session;

  /** Rooms this connection receives live events of, by room id. */
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>(4);

  private final ArrayDeque<ClientFrame> inbox =
      new ArrayDeque<>(2); // grows when a client sends in bursts
  private boolean draining;

  /** Event-loop only: bytes waiting because Netty's buffer is above its high-water mark. */
  private ArrayDeque<ByteBuf> backlog;

  private long backlogBytes;

  /** Event loop only: written but not yet flushed; and already listed by the current batch. */
  private boolean unflushed;

  private boolean flushMarked;
  private volatile boolean closing;

  /** The close code sent or received; 1006 (abnormal) until one is. */
  private volatile int closeCode = 1006;

  /** Closes the connection unless it authenticates in time; cancelled once it has. */
  private volatile ScheduledFuture<?> authDeadline;

  private volatile long lastReadAt = System.nanoTime();

  /**
   * Event loop only: the client's WebSocket pings answered, as a token bucket (see {@link
   * #pingAllowed}).
   */
  private double pingTokens = PING_BURST;

  private long pingRefilledAt = System.nanoTime();

  Connection(
      Channel channel, String ip, Protocol protocol, Gateway.Limits limits, LoopOutbox outbox) {
    this.channel = channel;
    this.outbox = outbox;
    this.ip = ip;
    this.protocol = protocol;
    this.limits = limits;
  }

  // ---- identity ----

  /** The session once authenticated, else null. */
  Session session() {
    return session;
  }

  /** The user this connection speaks for, or null before it authenticated. */
  Principal principal() {
    Session s = session;
    return s == null ? null : s.principal();
  }

  /**
   * Authenticated as {@code s}: the auth deadline is dropped. Also for a renewal with a fresh
   * token.
   */
  void authenticated(Session s) {
    session = s;
    authenticated();
  }

  String ip() {
    return ip;
  }

  EventLoop eventLoop() {
    return channel.eventLoop();
  }

  LoopOutbox outbox() {
    return outbox;
  }

  // ---- subscriptions ----

  Subscription subscription(String roomId) {
    return subscriptions.get(roomId);
  }

  void subscribed(Subscription s) {
    subscriptions.put(s.roomId, s);
  }

  /** Drops the subscription to {@code roomId}; returns it, or null when there was none. */
  Subscription unsubscribed(String roomId) {
    return subscriptions.remove(roomId);
  }

  /** Drops {@code s} if it is still this connection's subscription of its room. */
  void unsubscribed(Subscription s) {
    subscriptions.remove(s.roomId, s);
  }

  /** Drops and returns every subscription (the connection closed). */
  Collection<Subscription> unsubscribeAll() {
    List<Subscription> all = List.copyOf(subscriptions.values());
    subscriptions.clear();
    return all;
  }

  // ---- inbound ----

  /**
   * Event loop only, every ping interval: closes an idle connection, and one whose access token
   * expired (unless a fresh one came in an {@code auth} frame) or whose session ended; else pings
   * it.
   */
  void heartbeat() {
    Principal p = principal();
    if (System.nanoTime() - lastReadAt > limits.idleTimeout().toNanos()) {
      close(CloseCode.IDLE);
    } else if (p != null && !protocol.stillValid(p)) {
      close(CloseCode.UNAUTHORIZED);
    } else if (!closing) {
      channel.writeAndFlush(new PingWebSocketFrame());
    }
  }

  /**
   * Starts the wait for the first {@code auth} frame: {@code onTimeout} runs if it does not come in
   * time.
   */
  void awaitAuthentication(long millis, Runnable onTimeout) {
    authDeadline = channel.eventLoop().schedule(onTimeout, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Authenticated (or gone): the auth deadline is dropped, not left waiting in the loop's timer
   * queue.
   */
  private void authenticated() {
    ScheduledFuture<?> d = authDeadline;
    if (d != null) {
      authDeadline = null;
      d.cancel(false);
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    lastReadAt = System.nanoTime();
    if (closing) {
      return;
    }
    switch (frame) {
      case TextWebSocketFrame text -> {
        // Not decoded leniently: text.text() would turn invalid bytes into U+FFFD and store that.
        if (!ByteBufUtil.isText(text.content(), StandardCharsets.UTF_8)) {
          reply(Frames.error(null, ApiError.badRequest("a text frame must be valid UTF-8")));
          return;
        }
        try {
          enqueue(FrameParser.parse(text.text()));
        } catch (FrameParser.Invalid e) {
          reply(Frames.error(e.ref, e.error));
        }
      }
      case PingWebSocketFrame ping -> {
        // through the bounded outbound path: a client that pings and never reads is a slow consumer
        if (pingAllowed()) {
          sendNow(Frames.pong(ping.content()));
        }
      }
      case PongWebSocketFrame ignored -> {} // proof of life: lastReadAt is updated
      case CloseWebSocketFrame close -> {
        closing = true;
        closeCode = close.statusCode() < 0 ? 1005 : close.statusCode();
        ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
      }
      case BinaryWebSocketFrame ignored ->
          reply(Frames.error(null, ApiError.badRequest("only text frames are accepted")));
      default -> {}
    }
  }

  private boolean pingAllowed() {
    long now = System.nanoTime();
    pingTokens = Math.min(PING_BURST, pingTokens + (now - pingRefilledAt) * PINGS_PER_SECOND / 1e9);
    pingRefilledAt = now;
    if (pingTokens < 1) {
      return false;
    }
    pingTokens--;
    return true;
  }

  /** Queues a frame for the connection's virtual thread; frames run one at a time, in order. */
  void enqueue(ClientFrame frame) {
    boolean start;
    synchronized (inbox) {
      inbox.add(frame);
      if (inbox.size() >= INBOX_PAUSE) {
        channel
            .config()
            .setAutoRead(false); // the client outpaces us: stop reading, TCP pushes back
      }
      start = !draining;
      draining = true;
    }
    if (start) {
      Thread.ofVirtual().name("banter-ws").start(this::drain);
    }
  }

  private void drain() {
    while (true) {
      ClientFrame next;
      synchronized (inbox) {
        next = inbox.poll();
        if (next == null) {
          draining = false;
          return;
        }
        if (inbox.size() == INBOX_RESUME && !channel.config().isAutoRead()) {
          channel.config().setAutoRead(true);
        }
      }
      if (!closing) {
        try {
          protocol.handle(this, next);
        } catch (ApiError e) {
          reply(Frames.error(next.ref(), e));
        } catch (RuntimeException e) {
          log.error(
              "frame {} failed on session {}", next.getClass().getSimpleName(), sessionId(), e);
          reply(
              Frames.error(next.ref(), new ApiError(500, "internal", "internal error", Map.of())));
        }
      }
    }
  }

  int closeCode() {
    return closeCode;
  }

  /**
   * True while frames of this connection wait or run (used to let in-flight work finish at
   * shutdown).
   */
  boolean busy() {
    synchronized (inbox) {
      return draining || !inbox.isEmpty();
    }
  }

  // ---- outbound ----

  /** A reply to this client (ack, joined, error, …); same path and bound as events. */
  void reply(ByteBuf bytes) {
    send(bytes);
  }

  /**
   * Queues {@code frame} (a whole WebSocket frame from {@link Frames}; ownership passes here) for
   * this client and flushes it; safe from any thread.
   */
  void send(ByteBuf frame) {
    if (channel.eventLoop().inEventLoop()) {
      sendNow(frame);
    } else {
      outbox.send(this, frame); // in order with the fan-out's events for this loop
    }
  }

  private void sendNow(ByteBuf frame) {
    if (write(frame)) {
      channel.flush();
      unflushed = false;
    }
  }

  /**
   * Event loop only: writes {@code frame} (owned) without flushing, or puts it in the backlog while
   * Netty's buffer is full. True when it was written and awaits a flush.
   */
  boolean write(ByteBuf frame) {
    if (closing || !channel.isActive()) {
      frame.release();
      return false;
    }
    if (backlog == null && channel.isWritable()) {
      channel.write(frame, channel.voidPromise());
      unflushed = true;
      return true;
    }
    if (backlog == null) {
      backlog = new ArrayDeque<>();
    }
    backlog.add(frame);
    backlogBytes += frame.readableBytes();
    if (backlogBytes > limits.outboundBytes()) {
      slowConsumer();
    }
    return false;
  }

  /**
   * Event loop only: the first call since the last flush says true, so a batch of writes to many
   * connections can list each connection once and flush it once.
   */
  boolean markForFlush() {
    if (flushMarked) {
      return false;
    }
    flushMarked = true;
    return true;
  }

  /** Event loop only: flushes what {@link #write} left unflushed. */
  void flushMarked() {
    flushMarked = false;
    if (unflushed) {
      unflushed = false;
      channel.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    while (backlog != null && channel.isWritable() && !closing) {
      ByteBuf next = backlog.poll();
      if (next == null) {
        backlog = null;
        backlogBytes = 0;
        break;
      }
      backlogBytes -= next.readableBytes();
      channel.write(next, channel.voidPromise());
    }
    channel.flush();
    ctx.fireChannelWritabilityChanged();
  }

  private String sessionId() {
    Session s = session;
    return s == null ? null : s.id();
  }

  /** Closes the connection 4008: more is waiting for it than its bound allows. */
  void slowConsumer() {
    log.info("closing slow consumer {} ({} bytes waiting)", sessionId(), backlogBytes);
    protocol.slowConsumerClosed();
    close(CloseCode.SLOW_CONSUMER);
  }

  private void releaseBacklog() {
    if (backlog != null) {
      backlog.forEach(ByteBuf::release);
      backlog = null;
      backlogBytes = 0;
    }
  }

  /**
   * Sends a close frame with {@code code} and ends the socket once it is written (or after a grace
   * period).
   */
  void close(CloseCode code) {
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(() -> close(code));
      return;
    }
    if (closing) {
      return;
    }
    closing = true;
    closeCode = code.code;
    releaseBacklog();
    channel
        .writeAndFlush(new CloseWebSocketFrame(code.code, code.reason))
        .addListener(ChannelFutureListener.CLOSE);
    channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      close(CloseCode.IDLE);
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    authenticated();
    releaseBacklog();
    protocol.disconnected(this);
    Session s = session;
    if (s != null) {
      log.info(
          "ws closed {} {} {} {}",
          kv("user", s.username()),
          kv("session", s.id()),
          kv("close_code", closeCode),
          kv("duration_ms", System.currentTimeMillis() - openedAt));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedFrameException || cause instanceof TooLongFrameException) {
      close(CloseCode.TOO_BIG);
      return;
    }
    log.debug("WebSocket {} failed: {}", sessionId(), cause.toString());
    ctx.close();
  }
}
