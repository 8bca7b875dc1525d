package dev.banter.http;

import dev.banter.config.AddressRange;
import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Metrics;
import dev.banter.core.RateLimiter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's HTTP/1.1 server under Banter's router: event loops decode and write, handlers run on
 * virtual threads.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  /** A JSON request body above this is refused with 413 before it is read whole. */
  public static final int MAX_JSON_BODY = 1024 * 1024;

  /**
   * Keep-alive HTTP connections silent this long are closed (WebSockets have their own heartbeat).
   */
  private static final int HTTP_IDLE_SECONDS = 120;

  private static final String REQUEST_START = "request-start";
  private static final String REQUEST_PROGRESS = "request-progress";
  private static final String FLOW = "flow";
  private static final String SECURITY_HEADERS = "security-headers";
  private static final String PROXY_PROTOCOL = "proxy-protocol";

  /**
   * Guards against hostile clients: at most {@code connectionsPerIp} open connections per client
   * address (0 = no cap; BANTER_HTTP_CONNECTIONS_PER_IP) and the slowloris deadlines of {@link
   * RequestDeadlines} (BANTER_HTTP_HEADER_TIMEOUT).
   */
  public record Limits(int connectionsPerIp, Duration headerTimeout) {}

  /** Where the server listens, and its TLS context (null: plain HTTP). */
  public record Listen(String host, int port, SslContext tls) {}

  /**
   * What answers requests: the routes, who the bearer is, the per-IP budgets of auth and of the
   * rest of the API, the executor handlers block on, the WebSocket upgrade, the web client's files
   * and the upload receiver (the last three may be null where a server does without them).
   */
  public record Handlers(
      Routes routes,
      Authenticator authenticator,
      RateLimiter authLimiter,
      RateLimiter apiLimiter,
      Executor blocking,
      WebSocketUpgrader upgrader,
      StaticFiles staticFiles,
      UploadTarget uploads) {}

  /**
   * How the server meets the outside: the proxies that may name clients (BANTER_TRUSTED_PROXIES),
   * whether they speak the PROXY protocol (BANTER_PROXY_PROTOCOL), and the browser origins that may
   * call the API (BANTER_ALLOWED_ORIGINS).
   */
  public record Edge(
      List<AddressRange> trustedProxies, boolean proxyProtocol, List<String> allowedOrigins) {
    /** Clients straight on the socket; no cross-origin callers. */
    public static final Edge DIRECT = new Edge(List.of(), false, List.of());
  }

  /** What every request handler on this server shares. */
  record Context(
      Routes routes,
      Authenticator authenticator,
      RateLimiter authLimiter,
      RateLimiter apiLimiter,
      Executor blocking,
      WebSocketUpgrader upgrader,
      StaticFiles staticFiles,
      Metrics metrics,
      AtomicInteger inFlight,
      UploadTarget uploads,
      Cors cors) {}

  private final EventLoopGroup group;
  private final Channel channel;
  private final AtomicInteger inFlight;
  private final ConnectionLimit connections;

  private HttpServer(
      EventLoopGroup group, Channel channel, AtomicInteger inFlight, ConnectionLimit connections) {
    this.group = group;
    this.channel = channel;
    this.inFlight = inFlight;
    this.connections = connections;
  }

  /** Open HTTP connections (not those that became WebSockets). */
  int openConnections() {
    return connections.open();
  }

  /** Waits until no request is being handled (or {@code budget} passed); true when idle. */
  public boolean awaitRequests(Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return inFlight.get() == 0;
  }

  public static HttpServer start(
      Listen listen, Handlers handlers, Limits limits, Edge edge, Metrics metrics)
      throws InterruptedException {
    return start(listen, handlers, limits, edge, metrics, true);
  }

  /**
   * A listener beside the main one (BANTER_METRICS_PORT): clients straight on the socket, and not
   * counted in the {@code banter_http_connections} and {@code banter_http_requests_in_flight}
   * gauges, which are the main port's (a gauge has one source).
   */
  public static HttpServer startBeside(
      Listen listen, Handlers handlers, Limits limits, Metrics metrics)
      throws InterruptedException {
    return start(listen, handlers, limits, Edge.DIRECT, metrics, false);
  }

  private static HttpServer start(
      Listen listen, Handlers handlers, Limits limits, Edge edge, Metrics metrics, boolean gauges)
      throws InterruptedException {
    String host = listen.host();
    int port = listen.port();
    SslContext tls = listen.tls();
    Context context =
        new Context(
            handlers.routes(),
            handlers.authenticator(),
            handlers.authLimiter(),
            handlers.apiLimiter(),
            handlers.blocking(),
            handlers.upgrader(),
            handlers.staticFiles(),
            metrics,
            new AtomicInteger(),
            handlers.uploads(),
            new Cors(edge.allowedOrigins()));
    TrustedProxies proxies = new TrustedProxies(edge.trustedProxies());
    ConnectionLimit connections = new ConnectionLimit(limits.connectionsPerIp());
    if (gauges) {
      metrics.gauge(
          "banter_http_connections",
          "open HTTP connections (WebSockets are counted apart)",
          connections::open);
      metrics.gauge(
          "banter_http_requests_in_flight",
          "requests to routes being handled or answered (a download " + "until it is sent)",
          context.inFlight()::get);
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> type =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
    try {
      ServerBootstrap bootstrap = new ServerBootstrap();
      ClientAddress.trust(bootstrap, proxies);
      Channel ch =
          bootstrap
              .group(group)
              .channel(type)
              .option(ChannelOption.SO_BACKLOG, 4096)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      if (edge.proxyProtocol() && ClientAddress.fromTrustedProxy(c)) {
                        c.pipeline().addLast(PROXY_PROTOCOL, new HAProxyMessageDecoder());
                        c.pipeline()
                            .addLast(
                                "proxy-header",
                                new ProxyProtocolHeader(
                                    limits.headerTimeout(),
                                    ch -> serve(ch, tls, connections, limits, context)));
                      } else {
                        serve(c, tls, connections, limits, context);
                      }
                    }
                  })
              .bind(new InetSocketAddress(host, port))
              .sync()
              .channel();
      log.info(
          "listening on {}:{} ({}, {})",
          host,
          ((InetSocketAddress) ch.localAddress()).getPort(),
          epoll ? "epoll" : "nio",
          tls != null ? "https" : "http");
      return new HttpServer(group, ch, context.inFlight(), connections);
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * Sets up HTTP on a connection whose client is known: refused at once when its address has its
   * share of connections (a trusted proxy's connection carries many clients and never is).
   */
  private static void serve(
      Channel c, SslContext tls, ConnectionLimit connections, Limits limits, Context context) {
    ChannelPipeline p = c.pipeline();
    if (tls != null) {
      p.addLast("tls", tls.newHandler(c.alloc()));
    }
    ConnectionLimit.Slot slot =
        ClientAddress.fromTrustedProxy(c)
            ? connections.forProxy()
            : connections.tryAcquire(ClientAddress.of(c).limitKey());
    if (slot == null) {
      context.metrics().httpRefused("connections_per_ip");
      p.addLast("encoder", new HttpResponseEncoder());
      p.addLast("refusal", new Refusal(connections.perAddress()));
      return;
    }
    c.closeFuture().addListener(f -> slot.release());
    UploadTarget uploads = context.uploads();
    RequestDeadlines deadlines =
        new RequestDeadlines(limits.headerTimeout(), uploads != null, context.metrics());
    p.addLast("idle", new IdleStateHandler(0, 0, HTTP_IDLE_SECONDS, TimeUnit.SECONDS));
    p.addLast(REQUEST_START, deadlines.bytes());
    p.addLast("codec", new HttpServerCodec());
    p.addLast(SECURITY_HEADERS, new SecurityHeaders(context.cors(), tls != null));
    p.addLast(REQUEST_PROGRESS, deadlines.messages());
    // Holds what the codec decoded while reading is paused (Backpressure), so a paused
    // connection hands the dispatcher nothing more than one read already brought in.
    p.addLast(FLOW, new FlowControlHandler());
    if (uploads != null) {
      p.addLast("uploads", new UploadReceiver(context, uploads));
    }
    p.addLast("aggregator", new JsonBodyAggregator());
    p.addLast("dispatcher", new Dispatcher(context, slot));
  }

  /**
   * A connection that became a WebSocket leaves HTTP's deadlines, read pausing and answer headers
   * behind.
   */
  static void removeHttpGuards(ChannelPipeline p) {
    for (String name : new String[] {REQUEST_START, REQUEST_PROGRESS, FLOW, SECURITY_HEADERS}) {
      if (p.get(name) != null) {
        p.remove(name);
      }
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops accepting new connections; open ones keep working until {@link #close()}. */
  public void stopAccepting() {
    channel.close().syncUninterruptibly();
  }

  /** Stops accepting connections; open ones are closed when the event loops shut down. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Aggregates a request up to {@link #MAX_JSON_BODY}; a larger one gets the SPEC's 413 body. */
  private static final class JsonBodyAggregator extends HttpObjectAggregator {
    JsonBodyAggregator() {
      super(MAX_JSON_BODY);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      ApiError e = ApiError.payloadTooLarge("request body over " + MAX_JSON_BODY + " bytes");
      // Like Netty's own answer: on a keep-alive request the rest of the body is read and dropped
      // before the next request, so the client (still sending) sees the 413 instead of a reset.
      boolean keepAlive =
          !(oversized instanceof FullHttpMessage) && HttpUtil.isKeepAlive(oversized);
      Dispatcher.write(ctx.channel(), Dispatcher.error(e, Ids.randomToken(9)), keepAlive, false);
    }
  }
}
