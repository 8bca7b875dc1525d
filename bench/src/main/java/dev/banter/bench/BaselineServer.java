package dev.banter.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The floor Banter is measured against (BENCHMARKS.md): Banter's Netty stack — transport,
 * event-loop count, channel options, HTTP and WebSocket codecs and limits, bounded outbound path —
 * with nothing on top. {@code /ws?room=NAME} joins a room; each text frame goes, bytes shared, to
 * the room's other members.
 */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    description =
        "The bare broadcast server on Banter's stack (no auth, JSON or storage); runs until killed.")
final class BaselineServer implements Callable<Integer>, AutoCloseable {
  static final String PATH = "/ws";

  /** As Banter's WsUpgrade: larger frames are refused with close 1009. */
  static final int MAX_FRAME_BYTES = 64 * 1024;

  /** As Banter's HttpServer.MAX_JSON_BODY: the HTTP aggregator's limit before the upgrade. */
  private static final int MAX_HTTP_BODY = 1024 * 1024;

  /**
   * As Banter's HttpServer: keep-alive HTTP connections silent this long are closed (removed on
   * upgrade).
   */
  private static final int HTTP_IDLE_SECONDS = 120;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      defaultValue = "18600",
      description = "port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port = 18600;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description =
          "event-loop threads; 0 = one per available processor, as Banter (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(
      names = "--queue-bytes",
      defaultValue = "1048576",
      description =
          "outbound bytes a connection may have waiting before it is closed 4008, "
              + "as Banter's BANTER_WS_QUEUE_BYTES (default: ${DEFAULT-VALUE})")
  long queueBytes = 1024 * 1024;

  final Rooms rooms = new Rooms();
  private EventLoopGroup group;
  private Channel channel;
  private String transport;
  private int eventLoops;

  @Override
  public Integer call() throws InterruptedException {
    start();
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("baseline-exit")
                .unstarted(
                    () -> {
                      close();
                      System.out.println(rooms.summary());
                    }));
    System.out.printf(
        "baseline listening on %s:%d (%s, %d threads)%n", host, port(), transport, eventLoops);
    System.out.flush();
    channel.closeFuture().sync(); // until the process is stopped
    return 0;
  }

  /**
   * Binds as Banter's HttpServer does: epoll when available, one event loop per processor, same
   * options.
   */
  void start() throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    transport = epoll ? "epoll" : "nio";
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> type =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    eventLoops = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    group = new MultiThreadIoEventLoopGroup(eventLoops, io);
    try {
      channel =
          new ServerBootstrap()
              .group(group)
              .channel(type)
              .option(ChannelOption.SO_BACKLOG, 4096)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      ChannelPipeline p = c.pipeline();
                      p.addLast(
                          "idle", new IdleStateHandler(0, 0, HTTP_IDLE_SECONDS, TimeUnit.SECONDS));
                      p.addLast("codec", new HttpServerCodec());
                      p.addLast("aggregator", new HttpObjectAggregator(MAX_HTTP_BODY));
                      p.addLast("http", new Http());
                    }
                  })
              .bind(new InetSocketAddress(host, port))
              .sync()
              .channel();
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** {@code GET /health} answers "ok"; {@code /ws?room=NAME} upgrades; anything else is 404. */
  private final class Http extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (req.decoderResult().isFailure()) {
        respond(ctx.channel(), HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", false);
        return;
      }
      QueryStringDecoder uri = new QueryStringDecoder(req.uri());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      switch (uri.path()) {
        case "/health" -> respond(ctx.channel(), HttpResponseStatus.OK, "ok", keepAlive);
        case PATH -> upgrade(ctx, req, uri.parameters().getOrDefault("room", List.of()));
        default -> respond(ctx.channel(), HttpResponseStatus.NOT_FOUND, "not found", keepAlive);
      }
    }

    /**
     * The same handshake and pipeline swap as Banter's WsUpgrade, minus origin, per-IP and auth
     * checks.
     */
    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, List<String> room) {
      Channel ch = ctx.channel();
      if (room.isEmpty()
          || !"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
        respond(
            ch,
            HttpResponseStatus.BAD_REQUEST,
            "expected a WebSocket upgrade to /ws?room=NAME",
            false);
        return;
      }
      WebSocketDecoderConfig decoder =
          WebSocketDecoderConfig.newBuilder()
              .maxFramePayloadLength(MAX_FRAME_BYTES)
              .closeOnProtocolViolation(true)
              .build();
      String url = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + PATH;
      WebSocketServerHandshaker handshaker =
          new WebSocketServerHandshakerFactory(url, null, decoder).newHandshaker(req);
      if (handshaker == null) {
        WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ch);
        return;
      }
      BaselineMember member = new BaselineMember(ch, room.getFirst(), rooms, queueBytes);
      var handshake = handshaker.handshake(ch, req);
      ChannelPipeline p = ch.pipeline();
      p.remove("idle");
      p.remove("http");
      p.addLast("ws-aggregator", new WebSocketFrameAggregator(MAX_FRAME_BYTES));
      p.addLast("ws", member);
      handshake.addListener(
          f -> {
            if (f.isSuccess()) {
              member.opened();
            } else {
              ch.close();
            }
          });
    }

    private static void respond(
        Channel ch, HttpResponseStatus status, String text, boolean keepAlive) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      if (keepAlive) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ch.writeAndFlush(r, ch.voidPromise());
      } else {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  /**
   * Who is in which room, and the relay: one incoming frame's bytes shared by every other member.
   */
  static final class Rooms {
    private final Map<String, Set<BaselineMember>> byRoom = new ConcurrentHashMap<>();
    private final LongAdder frames = new LongAdder();
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder slowConsumerCloses = new LongAdder();

    void join(BaselineMember m) {
      byRoom.compute(
          m.room,
          (k, set) -> { // inside compute: a concurrent removal of the last one cannot orphan it
            Set<BaselineMember> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(m);
            return s;
          });
    }

    void leave(BaselineMember m) {
      byRoom.computeIfPresent(m.room, (k, set) -> set.remove(m) && set.isEmpty() ? null : set);
    }

    /**
     * Writes {@code bytes} (owned by the caller) to every member of {@code from}'s room but {@code
     * from}.
     */
    void relay(BaselineMember from, ByteBuf bytes) {
      frames.increment();
      Set<BaselineMember> members = byRoom.get(from.room);
      if (members == null) {
        return;
      }
      int sent = 0;
      for (BaselineMember m : members) {
        if (m != from) {
          m.send(bytes.retainedDuplicate());
          sent++;
        }
      }
      deliveries.add(sent);
    }

    void slowConsumerClosed() {
      slowConsumerCloses.increment();
    }

    int members(String room) {
      return byRoom.getOrDefault(room, Set.of()).size();
    }

    long deliveries() {
      return deliveries.sum();
    }

    long slowConsumerCloses() {
      return slowConsumerCloses.sum();
    }

    String summary() {
      return String.format(
          "baseline stopped: %,d frames relayed to %,d members, %,d slow-consumer closes",
          frames.sum(), deliveries.sum(), slowConsumerCloses.sum());
    }
  }
}
