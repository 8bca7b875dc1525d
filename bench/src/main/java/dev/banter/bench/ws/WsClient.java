package dev.banter.bench.ws;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small WebSocket client for load generation: few event-loop threads (epoll when available),
 * connections spread round-robin over several loopback source addresses.
 */
public final class WsClient implements AutoCloseable {
  /** 127.0.0.2–127.0.0.9: about 28,000 ephemeral ports each. */
  public static final List<String> DEFAULT_SOURCES =
      List.of(
          "127.0.0.2",
          "127.0.0.3",
          "127.0.0.4",
          "127.0.0.5",
          "127.0.0.6",
          "127.0.0.7",
          "127.0.0.8",
          "127.0.0.9");

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final List<InetSocketAddress> sources;
  private final AtomicInteger nextSource = new AtomicInteger();
  private final boolean epoll;

  /**
   * @param threads event-loop threads; @param sources local addresses to connect from, round-robin
   */
  public WsClient(int threads, List<String> sources) {
    epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    group = new MultiThreadIoEventLoopGroup(threads, io);
    bootstrap =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    this.sources = sources.stream().map(a -> new InetSocketAddress(a, 0)).toList();
  }

  /** "epoll" or "nio". */
  public String transport() {
    return epoll ? "epoll" : "nio";
  }

  /** Opens a WebSocket to {@code uri} (ws://host:port/ws); completes once the upgrade is done. */
  public CompletableFuture<WsConnection> connect(URI uri, FrameListener listener) {
    return connect(uri, listener, null);
  }

  /** Same, with the caller's object attached to the connection from its first frame on. */
  public CompletableFuture<WsConnection> connect(
      URI uri, FrameListener listener, Object attachment) {
    CompletableFuture<WsConnection> opened = new CompletableFuture<>();
    WebSocketClientProtocolConfig config =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .handleCloseFrames(false)
            .maxFramePayloadLength(1 << 20)
            .handshakeTimeoutMillis(10_000)
            .build();
    Bootstrap b =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            new HttpObjectAggregator(8192),
                            new WebSocketClientProtocolHandler(config),
                            new WebSocketFrameAggregator(1 << 20),
                            new Handler(new WsConnection(ch, listener, attachment), opened));
                  }
                });
    InetSocketAddress remote = new InetSocketAddress(uri.getHost(), uri.getPort());
    ChannelFuture f =
        sources.isEmpty()
            ? b.connect(remote)
            : b.connect(
                remote, sources.get(Math.floorMod(nextSource.getAndIncrement(), sources.size())));
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            opened.completeExceptionally(done.cause());
          }
        });
    return opened;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * Completes the open future on the upgrade and passes frames and the close code to the
   * connection.
   */
  private static final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final WsConnection connection;
    private final CompletableFuture<WsConnection> opened;
    private int closeCode = -1;

    Handler(WsConnection connection, CompletableFuture<WsConnection> opened) {
      this.connection = connection;
      this.opened = opened;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        opened.complete(connection);
      } else if (evt
          == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        opened.completeExceptionally(new IllegalStateException("WebSocket handshake timed out"));
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame) {
        connection.onText(frame.content());
      } else if (frame instanceof CloseWebSocketFrame close) {
        closeCode = close.statusCode();
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (!opened.isDone()) {
        opened.completeExceptionally(
            new IllegalStateException("closed before the WebSocket upgrade"));
      } else {
        connection.onClose(closeCode);
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!opened.isDone()) {
        opened.completeExceptionally(cause);
      }
      ctx.close();
    }
  }
}
