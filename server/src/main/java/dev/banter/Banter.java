package dev.banter;

import dev.banter.auth.AccessTokens;
import dev.banter.auth.AuthRoutes;
import dev.banter.auth.AuthService;
import dev.banter.auth.JwtSecret;
import dev.banter.auth.UserService;
import dev.banter.cluster.EventBus;
import dev.banter.cluster.LocalBus;
import dev.banter.cluster.LocalPresence;
import dev.banter.cluster.Presence;
import dev.banter.cluster.RedisBus;
import dev.banter.cluster.RedisPresence;
import dev.banter.config.Config;
import dev.banter.config.ConfigException;
import dev.banter.config.ConfigLoader;
import dev.banter.core.RateLimiter;
import dev.banter.http.HttpServer;
import dev.banter.http.Route;
import dev.banter.http.Routes;
import dev.banter.http.StaticFiles;
import dev.banter.messages.Message;
import dev.banter.messages.MessageRoutes;
import dev.banter.messages.MessageService;
import dev.banter.ops.ApiDocsRoutes;
import dev.banter.ops.HealthRoutes;
import dev.banter.realtime.Gateway;
import dev.banter.realtime.Protocol;
import dev.banter.realtime.WsUpgrade;
import dev.banter.rooms.RoomRoutes;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Banter's entry point: reads the configuration, opens storage, wires the features and serves HTTP. */
public final class Banter implements AutoCloseable {
  /** Exit code when the configuration is unusable. */
  public static final int EXIT_CONFIG = 2;
  /** Exit code when start-up fails for another reason (storage unreachable, port taken…). */
  public static final int EXIT_STARTUP = 1;

  private final Config config;
  private final Database db;
  private final EventBus bus;
  private final Presence presence;
  private final MessageService messages;
  private final Gateway gateway;
  private final HttpServer http;
  private final ExecutorService blocking;
  private final List<Route> routes;

  private Banter(Config config, Database db, EventBus bus, Presence presence, MessageService messages,
      Gateway gateway, HttpServer http, ExecutorService blocking, List<Route> routes) {
    this.config = config;
    this.db = db;
    this.bus = bus;
    this.presence = presence;
    this.messages = messages;
    this.gateway = gateway;
    this.http = http;
    this.blocking = blocking;
    this.routes = routes;
  }

  public static void main(String[] args) {
    Config config;
    try {
      config = ConfigLoader.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("banter: configuration error: " + e.getMessage());
      System.exit(EXIT_CONFIG);
      return;
    }
    // Chosen before the first logger exists: logback reads this once.
    System.setProperty("logback.configurationFile",
        config.logFormat() == Config.LogFormat.JSON ? "logback-json.xml" : "logback-text.xml");
    Logger log = LoggerFactory.getLogger(Banter.class);
    long started = System.nanoTime();
    Banter banter;
    try {
      banter = start(config);
    } catch (Exception e) {
      log.error("start-up failed: {}", e.toString(), e);
      System.err.println("banter: start-up failed: " + e.getMessage());
      System.exit(EXIT_STARTUP);
      return;
    }
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("banter-shutdown").unstarted(banter::close));
    log.info("Banter {} ready on {}://{}:{} in {} ms", config.nodeId(), config.tlsCert().isPresent() ? "https" : "http",
        config.host(), banter.port(), Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /** Starts a server with {@code config}; the caller closes it. */
  public static Banter start(Config config) throws Exception {
    Logger log = LoggerFactory.getLogger(Banter.class);
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
      logs.putProperty("node_id", config.nodeId()); // in every JSON line; %property{node_id} in text
    }
    log.info("starting with {}", config);
    if (config.allowedOrigins().contains("*")) {
      log.warn("BANTER_ALLOWED_ORIGINS contains '*': any web page may open WebSockets with your users' tokens");
    }
    Clock clock = Clock.systemUTC();
    Database db = Database.open(config);
    ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("banter-", 0).factory());
    EventBus bus = config.redisUrl().<EventBus>map(url -> new RedisBus(url, config.nodeId())).orElseGet(LocalBus::new);
    MessageService messages = null;
    Gateway[] gatewayRef = new Gateway[1]; // services ask who is online; the gateway needs the services
    try {
      Predicate<String> online = userId -> gatewayRef[0] != null && gatewayRef[0].isOnline(userId);
      RoomService rooms = new RoomService(db, bus, clock, online);
      rooms.ensureDefaultRoom();
      messages = new MessageService(db, rooms, bus, clock, MessageService.MAX_BATCH);
      AccessTokens accessTokens = new AccessTokens(JwtSecret.resolve(config.jwtSecret(), config.dataDir()),
          config.accessTokenTtl(), clock);
      RateLimiter loginsPerUsername = RateLimiter.perPeriod(config.authRatePerMinute(), Duration.ofMinutes(1));
      AuthService auth = new AuthService(db, accessTokens, config.refreshTokenTtl(), config.admins(),
          config.guestAccess(), loginsPerUsername, clock, rooms::joinDefaultRoom);
      UserService users = new UserService(db, online);

      Routes routes = new Routes();
      new HealthRoutes(db, bus).mount(routes);
      new AuthRoutes(auth, users).mount(routes);
      MessageService messageService = messages;
      new RoomRoutes(rooms, ids -> view(messageService.latest(ids))).mount(routes);
      new MessageRoutes(messages).mount(routes);
      new ApiDocsRoutes().mount(routes);
      StaticFiles web = new StaticFiles("/web");
      web.mount(routes);

      Presence presence = bus instanceof RedisBus redis
          ? new RedisPresence(redis, config.presenceTtl(), clock, () -> gatewayRef[0] == null ? Set.of()
              : gatewayRef[0].localUsers())
          : new LocalPresence();
      Gateway gateway = new Gateway(rooms, messages, users, bus, presence, clock, new Gateway.Limits(config.wsPingInterval(),
          config.wsIdleTimeout(), config.wsAuthTimeout(), config.wsQueueBytes(), config.wsReplayLimit(),
          config.wsPerIp()));
      gatewayRef[0] = gateway;
      Protocol protocol = new Protocol(accessTokens, auth, rooms, messages, gateway,
          RateLimiter.perSecond(config.messageRate(), config.messageBurst()));
      WsUpgrade upgrade = new WsUpgrade(gateway, protocol, config.allowedOrigins(), config.tlsCert().isPresent());

      HttpServer http = HttpServer.start(config.host(), config.port(), tls(config), routes, accessTokens,
          RateLimiter.perPeriod(config.authRatePerMinute(), Duration.ofMinutes(1)),
          RateLimiter.perPeriod(config.httpRatePerMinute(), Duration.ofMinutes(1)),
          blocking, upgrade, web);
      return new Banter(config, db, bus, presence, messages, gateway, http, blocking, routes.all());
    } catch (Exception e) {
      if (messages != null) {
        messages.close();
      }
      blocking.shutdownNow();
      bus.close();
      db.close();
      throw e;
    }
  }

  private static Map<String, Map<String, Object>> view(Map<String, Message> byRoom) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    byRoom.forEach((room, m) -> out.put(room, m.view()));
    return out;
  }

  private static SslContext tls(Config config) throws Exception {
    if (config.tlsCert().isEmpty()) {
      return null;
    }
    return SslContextBuilder.forServer(config.tlsCert().get().toFile(), config.tlsKey().get().toFile()).build();
  }

  public int port() {
    return http.port();
  }

  public Config config() {
    return config;
  }

  /** Every route this node serves (the API documents are checked against it). */
  public List<Route> routes() {
    return routes;
  }

  /** The real-time gateway of this node. */
  public Gateway gateway() {
    return gateway;
  }

  /** The event bus of this node (tests listen to it). */
  public EventBus bus() {
    return bus;
  }

  /**
   * Graceful stop: no new connections; in-flight frames finish (acks are sent); WebSockets
   * get 1001 so clients reconnect elsewhere and resume; queued posts are stored; storage closes.
   */
  @Override
  public void close() {
    http.stopAccepting();
    gateway.shutdown(config.shutdownDrain(), messages::awaitIdle);
    messages.close();
    http.close();
    blocking.shutdown();
    gateway.close();
    presence.close();
    bus.close();
    db.close();
  }
}
