package dev.banter.bench.jmh;

import ch.qos.logback.classic.Logger;
import dev.banter.bench.InProcess;
import dev.banter.core.Principal;
import dev.banter.realtime.Gateway;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * One room's new message delivered to every local connection subscribed to it, through the server's
 * own path: event bus → the gateway's fan-out thread (serialise once) → each subscription → its
 * connection, on its event loop → the pipeline. The connections are Netty in-VM channels on two
 * real event loops (as many as the server runs here), each channel's outbound end counting and
 * releasing what a socket would send, so memory stays flat; not measured: the socket write itself.
 * Time is per event; deliveries per second = connections / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RoomFanoutBenchmark {
  /**
   * Events published per invocation, so one wake-up of the waiting benchmark thread is shared by
   * several.
   */
  static final int EVENTS = 10;

  /**
   * A ping interval no trial lasts: the heartbeat pings a slice of the connections every interval /
   * 250, and a ping is a frame the sockets would count as a delivery. What is measured is the
   * fan-out alone.
   */
  private static final Duration NO_PINGS = Duration.ofDays(1);

  private static final Logger CONNECTION_LOG =
      (Logger) LoggerFactory.getLogger("dev.banter.realtime.Connection");

  @Param("1000")
  public int connections;

  InProcess app;
  Gateway gateway;
  String roomId;
  final List<Channel> channels = new ArrayList<>();
  EventLoopGroup loops;
  Channel server;
  final List<FakeSocket> sockets = new ArrayList<>();
  final Deliveries deliveries = new Deliveries();

  /**
   * The seq of the last event published: each event is the room's next message, as the fan-out
   * expects.
   */
  long seq;

  private ch.qos.logback.classic.Level connectionLogLevel; // NOPMD - JMH's Level is imported

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    connectionLogLevel = CONNECTION_LOG.getLevel();
    // a thousand "ws closed" lines would bury JMH's output
    CONNECTION_LOG.setLevel(ch.qos.logback.classic.Level.WARN); // NOPMD - JMH's Level is imported
    // No pings during the measure: the heartbeat is not what is measured.
    app =
        new InProcess(
            null,
            Map.of(
                "BANTER_WS_PING_INTERVAL",
                NO_PINGS.toSeconds() + "s",
                "BANTER_WS_IDLE_TIMEOUT",
                NO_PINGS.multipliedBy(2).toSeconds() + "s"));
    String token = app.registerForToken("fan");
    Principal member = app.tokens.authenticate(token);
    roomId = app.rooms.create(member, "fanout", null, "public").id();
    gateway = app.services.gateway();
    loops = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
    LocalAddress address = new LocalAddress("bench-fanout-" + System.nanoTime());
    BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    server =
        new ServerBootstrap()
            .group(loops)
            .channel(LocalServerChannel.class)
            .childHandler(
                new ChannelInitializer<LocalChannel>() {
                  @Override
                  protected void initChannel(LocalChannel ch) {
                    accepted.add(ch);
                  }
                })
            .bind(address)
            .syncUninterruptibly()
            .channel();
    Bootstrap clients =
        new Bootstrap()
            .group(loops)
            .channel(LocalChannel.class)
            .handler(
                new ChannelInitializer<LocalChannel>() {
                  @Override
                  protected void initChannel(LocalChannel ch) {
                    // the client ends only keep the server's ends open
                  }
                });
    // One user, many connections (tabs, devices): the room's subscriber set is per connection
    // either way.
    for (int i = 0; i < connections; i++) {
      channels.add(clients.connect(address).syncUninterruptibly().channel());
      Channel ch;
      try {
        ch = accepted.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      FakeSocket socket = new FakeSocket(deliveries);
      ch.pipeline()
          .addLast("socket", socket)
          .addLast("wsencoder", new WebSocket13FrameEncoder(false))
          .addLast("arrivals", socket.arrivals);
      // As WsUpgrade does after the handshake: the gateway's connection, authenticated by the
      // token, then the client's join_room frame through the connection's own path.
      gateway.attach(ch, "127.0.0.1", token);
      ch.pipeline()
          .fireChannelRead(
              new TextWebSocketFrame(
                  "{\"type\":\"join_room\",\"ref\":\"j\",\"room_id\":\"" + roomId + "\"}"));
      channels.add(ch);
      sockets.add(socket);
    }
    awaitJoinedReplies();
    sockets.forEach(FakeSocket::reset); // the joined replies are not part of the measure
  }

  /**
   * Each connection's {@code ready} and {@code joined} replies are written on its loop; wait for
   * all of them before counting from zero.
   */
  private void awaitJoinedReplies() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (FakeSocket s : sockets) {
      while (s.frames() < 2) {
        if (System.nanoTime() > deadline) {
          throw new IOException("a connection's joined reply was not written");
        }
        Thread.onSpinWait();
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    channels.forEach(c -> c.close().syncUninterruptibly());
    server.close().syncUninterruptibly();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    app.close();
    CONNECTION_LOG.setLevel(connectionLogLevel);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void newMessageToRoom() throws InterruptedException {
    deliveries.expect(EVENTS * connections);
    for (int i = 0; i < EVENTS; i++) {
      seq++;
      app.bus.publish(
          EventEncodeBenchmark.newMessageEvent(EventEncodeBenchmark.sampleMessage(roomId, seq)));
    }
    deliveries.await();
  }

  /** The frames written to all connections, for the benchmark thread to wait on. */
  static final class Deliveries {
    private volatile CountDownLatch pending = new CountDownLatch(0);

    void expect(int frames) {
      pending = new CountDownLatch(frames);
    }

    void arrived() {
      pending.countDown();
    }

    void await() throws InterruptedException {
      if (!pending.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "fan-out stalled: " + pending.getCount() + " frames not delivered");
      }
    }
  }

  /**
   * The outbound end of one test connection: the bytes are counted and released where a socket
   * would write them. {@link #arrivals}, in front of the encoder, counts whole frames: the server's
   * own, already framed, or any the encoder would frame.
   */
  static final class FakeSocket extends ChannelOutboundHandlerAdapter {
    final Arrivals arrivals;
    volatile long bytes;

    FakeSocket(Deliveries deliveries) {
      arrivals = new Arrivals(deliveries);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf b) {
        bytes += b.readableBytes();
      }
      ReferenceCountUtil.release(msg);
      promise.trySuccess();
    }

    long frames() {
      return arrivals.frames;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      // nothing reached the channel's buffer: there is nothing to flush
    }

    void reset() {
      bytes = 0;
      arrivals.frames = 0;
    }
  }

  static final class Arrivals extends ChannelOutboundHandlerAdapter {
    private final Deliveries deliveries;
    volatile long frames;

    Arrivals(Deliveries deliveries) {
      this.deliveries = deliveries;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      boolean frame = msg instanceof ByteBuf || msg instanceof WebSocketFrame;
      ctx.write(msg, promise);
      if (frame) {
        frames++;
        deliveries.arrived();
      }
    }
  }
}
