package dev.banter;

import ch.qos.logback.classic.LoggerContext;
import dev.banter.auth.AuthRoutes;
import dev.banter.auth.BlockRoutes;
import dev.banter.auth.Blocks;
import dev.banter.auth.InviteRoutes;
import dev.banter.auth.InviteService;
import dev.banter.auth.PasswordResetRoutes;
import dev.banter.auth.PasswordResets;
import dev.banter.auth.Revocations;
import dev.banter.cluster.Cluster;
import dev.banter.cluster.EventBus;
import dev.banter.config.Config;
import dev.banter.config.ConfigException;
import dev.banter.config.ConfigFile;
import dev.banter.config.ConfigLoader;
import dev.banter.config.ConfigReport;
import dev.banter.core.Metrics;
import dev.banter.core.RateLimiter;
import dev.banter.http.HttpServer;
import dev.banter.http.Route;
import dev.banter.http.Routes;
import dev.banter.http.StaticFiles;
import dev.banter.messages.Message;
import dev.banter.messages.MessageRoutes;
import dev.banter.messages.PinRoutes;
import dev.banter.messages.PinService;
import dev.banter.messages.ThreadRoutes;
import dev.banter.messages.ThreadService;
import dev.banter.ops.AdminRoutes;
import dev.banter.ops.ApiDocsRoutes;
import dev.banter.ops.HealthRoutes;
import dev.banter.ops.MetricsRoutes;
import dev.banter.push.PushRoutes;
import dev.banter.push.PushSender;
import dev.banter.realtime.Gateway;
import dev.banter.realtime.WsUpgrade;
import dev.banter.rooms.RoomRoutes;
import dev.banter.store.DataDir;
import dev.banter.store.Database;
import dev.banter.tools.BackupCommand;
import dev.banter.tools.MigrateCommand;
import dev.banter.uploads.UploadRoutes;
import dev.banter.uploads.UploadService;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * Banter's entry point: reads the configuration, opens storage, wires the features and serves HTTP.
 */
public final class Banter implements AutoCloseable {
  /** Exit code when the configuration is unusable. */
  public static final int EXIT_CONFIG = 2;

  /** Exit code when start-up fails for another reason (storage unreachable, port taken…). */
  public static final int EXIT_STARTUP = 1;

  private final Config config;
  private final Database db;
  private final Cluster cluster;
  private final Services services;
  private final HttpServer http;
  private final HttpServer metricsHttp; // null without BANTER_METRICS_PORT
  private final ExecutorService blocking;
  private final Metrics metrics;
  private final AtomicBoolean draining;
  private final List<Route> routes;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Banter(
      Config config,
      Database db,
      Cluster cluster,
      Services services,
      HttpServer http,
      HttpServer metricsHttp,
      ExecutorService blocking,
      Metrics metrics,
      AtomicBoolean draining,
      List<Route> routes) {
    this.config = config;
    this.db = db;
    this.cluster = cluster;
    this.services = services;
    this.http = http;
    this.metricsHttp = metricsHttp;
    this.blocking = blocking;
    this.metrics = metrics;
    this.draining = draining;
    this.routes = routes;
  }

  /**
   * The command line: {@code --config FILE}, {@code --print-config}, {@code --help}; the tools
   * {@code migrate} and {@code backup} are sub-commands.
   */
  @Command(
      name = "banter",
      mixinStandardHelpOptions = true,
      version = "banter 0.1",
      subcommands = {MigrateCommand.class, BackupCommand.class},
      description =
          "A self-hosted real-time chat server. Configuration comes from BANTER_* environment "
              + "variables and, optionally, a YAML file with the same keys (the environment wins).")
  static final class Cli implements Callable<Integer> {
    /** Returned when the server runs: main must not exit. */
    static final int RUNNING = -1;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "YAML file of BANTER_* settings (or BANTER_CONFIG)")
    Path configFile;

    @Option(
        names = "--print-config",
        description = "print the effective configuration, secrets masked, and exit")
    boolean printConfig;

    @Override
    public Integer call() {
      Map<String, String> env = System.getenv();
      Path file =
          configFile != null
              ? configFile
              : env.get("BANTER_CONFIG") != null && !env.get("BANTER_CONFIG").isBlank()
                  ? Path.of(env.get("BANTER_CONFIG"))
                  : null;
      Config config;
      Map<String, String> vars;
      try {
        vars = file == null ? env : ConfigFile.merge(file, env);
        if (printConfig) {
          System.out.print(ConfigReport.effective(vars));
        }
        config = new ConfigLoader(vars, System.console() != null).load();
      } catch (ConfigException e) {
        e.problems().forEach(p -> System.err.println("banter: configuration error: " + p));
        return EXIT_CONFIG;
      }
      if (printConfig) {
        config.warnings().forEach(w -> System.err.println("banter: warning: " + w));
        return 0;
      }
      return serve(config);
    }
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Cli());
    cli.getCommandSpec().usageMessage().footer(ConfigReport.settings());
    int code = cli.execute(args);
    if (code != Cli.RUNNING) {
      System.exit(code);
    }
  }

  private static int serve(Config config) {
    // Chosen before the first logger exists: logback reads this once.
    System.setProperty(
        "logback.configurationFile",
        config.logFormat() == Config.LogFormat.JSON ? "logback-json.xml" : "logback-text.xml");
    Logger log = LoggerFactory.getLogger(Banter.class);
    LogLevels.apply(config.logLevel()); // the process's own log; an embedding JVM keeps its own
    long started = System.nanoTime();
    Banter banter;
    try {
      banter = start(config);
    } catch (Exception e) {
      log.error("start-up failed: {}", e.toString(), e);
      System.err.println("banter: start-up failed: " + e.getMessage());
      return EXIT_STARTUP;
    }
    // SIGTERM / Ctrl-C: drain, then exit 0 (a plain shutdown hook would exit 143).
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          sig ->
              Thread.ofPlatform()
                  .name("banter-shutdown")
                  .start(
                      () -> {
                        log.info("SIG{}: draining (up to {})", name, config.shutdownDrain());
                        banter.close();
                        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
                          logs.stop(); // writes out what the log queue still holds
                        }
                        System.exit(0);
                      }));
    }
    Runtime.getRuntime()
        .addShutdownHook(Thread.ofPlatform().name("banter-exit").unstarted(banter::close));
    log.info(
        "Banter {} ready on {}://{}:{} in {} ms",
        config.nodeId(),
        config.tlsCert().isPresent() ? "https" : "http",
        config.host(),
        banter.port(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    return Cli.RUNNING;
  }

  /** Starts a server with {@code config}; the caller closes it. */
  public static Banter start(Config config) throws Exception {
    Logger log = LoggerFactory.getLogger(Banter.class);
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
      logs.putProperty(
          "node_id", config.nodeId()); // in every JSON line; %property{node_id} in text
    }
    log.info("starting with {}", config);
    config.warnings().forEach(log::warn);
    if (config.allowedOrigins().contains("*")) {
      log.warn(
          "BANTER_ALLOWED_ORIGINS contains '*': any web page may open WebSockets with your users' tokens");
    }
    Clock clock = Clock.systemUTC();
    Metrics metrics = new Metrics(config.nodeId());
    DataDir.prepare(config.dataDir());
    Database db = Database.open(config, metrics.registry());
    AtomicBoolean draining = new AtomicBoolean();
    ExecutorService blocking =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("banter-", 0).factory());
    Cluster cluster =
        Cluster.of(config.redisUrl(), config.nodeId(), config.presenceTtl(), clock, metrics);
    Services services = null;
    HttpServer metricsHttp = null;
    try {
      services = Services.start(config, db, cluster, clock, metrics);
      Services s = services;
      Routes routes = new Routes();
      new HealthRoutes(db, cluster.bus(), s.uploads()::storeProblem, draining::get).mount(routes);
      MetricsRoutes scrapes = new MetricsRoutes(metrics);
      scrapes.mount(routes);
      new AuthRoutes(s.auth(), s.users(), s.limits()).mount(routes);
      InviteService invites =
          new InviteService(
              db,
              s.rooms(),
              config.registration(),
              config.publicUrl().orElse(""),
              s.limits(),
              clock);
      s.auth().door(invites);
      new InviteRoutes(invites).mount(routes);
      new PasswordResetRoutes(
              new PasswordResets(db, s.revocations(), config.publicUrl().orElse(""), clock),
              s.limits())
          .mount(routes);
      new BlockRoutes(new Blocks(db, clock, s.limits())).mount(routes);
      new RoomRoutes(s.rooms(), ids -> view(s.messages().latest(ids))).mount(routes);
      new MessageRoutes(s.messages()).mount(routes);
      new PinRoutes(new PinService(db, s.rooms(), cluster.bus(), clock, s.limits())).mount(routes);
      new ThreadRoutes(new ThreadService(db, s.rooms(), s.limits())).mount(routes);
      new UploadRoutes(s.uploads()).mount(routes);
      new PushRoutes(s.pushSubscriptions()).mount(routes);
      new ApiDocsRoutes().mount(routes);
      StaticFiles web = StaticFiles.webClient("/web");
      web.mount(routes);
      new AdminRoutes(
              db,
              s.auth(),
              s.messages(),
              s.limits(),
              () ->
                  cluster.presence().connectionsPerNode(config.nodeId(), s.gateway().connections()))
          .mount(routes);
      WsUpgrade upgrade =
          new WsUpgrade(s.gateway(), config.allowedOrigins(), config.tlsCert().isPresent());

      HttpServer.Limits limits =
          new HttpServer.Limits(config.httpConnectionsPerIp(), config.httpHeaderTimeout());
      if (config.metricsPort().isPresent()) {
        metricsHttp =
            scrapes.listen(
                new HttpServer.Listen(config.host(), config.metricsPort().getAsInt(), tls(config)),
                limits,
                blocking);
      }
      HttpServer http =
          HttpServer.start(
              new HttpServer.Listen(config.host(), config.port(), tls(config)),
              new HttpServer.Handlers(
                  routes,
                  s.tokens(),
                  RateLimiter.perPeriod(config.authRatePerMinute(), Duration.ofMinutes(1))
                      .onReject(() -> metrics.rateLimited("auth_ip")),
                  RateLimiter.perPeriod(config.httpRatePerMinute(), Duration.ofMinutes(1))
                      .onReject(() -> metrics.rateLimited("api_ip")),
                  blocking,
                  upgrade,
                  web,
                  s.uploads()),
              limits,
              new HttpServer.Edge(
                  config.trustedProxies(), config.proxyProtocol(), config.allowedOrigins()),
              metrics);
      return new Banter(
          config,
          db,
          cluster,
          services,
          http,
          metricsHttp,
          blocking,
          metrics,
          draining,
          routes.all());
    } catch (Exception e) {
      if (metricsHttp != null) {
        metricsHttp.close();
      }
      if (services != null) {
        services.close();
      }
      blocking.shutdownNow();
      cluster.close();
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
    return SslContextBuilder.forServer(
            config.tlsCert().get().toFile(), config.tlsKey().get().toFile())
        .build();
  }

  public int port() {
    return http.port();
  }

  /** The port of the /metrics listener (BANTER_METRICS_PORT), if there is one. */
  public OptionalInt metricsPort() {
    return metricsHttp == null ? OptionalInt.empty() : OptionalInt.of(metricsHttp.port());
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
    return services.gateway();
  }

  /** Uploaded files of this node. */
  public UploadService uploads() {
    return services.uploads();
  }

  /** The Web Push sender of this node ({@code push().notify(userId, payload)}). */
  public PushSender push() {
    return services.push();
  }

  /** Ended sessions and disabled accounts, as this node knows them. */
  public Revocations revocations() {
    return services.revocations();
  }

  /** The metrics of this node (tests read them without a scrape). */
  public Metrics metrics() {
    return metrics;
  }

  /** The event bus of this node (tests listen to it). */
  public EventBus bus() {
    return cluster.bus();
  }

  /**
   * Graceful stop: no new connections; in-flight frames finish (acks are sent); WebSockets get 1001
   * so clients reconnect elsewhere and resume; queued posts are stored; storage closes.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + config.shutdownDrain().toNanos();
    draining.set(true); // readiness answers 503 from now on
    http.stopAccepting();
    services.gateway().shutdown(config.shutdownDrain(), services.messages()::awaitIdle);
    http.awaitRequests(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    services.messages().close(); // queued posts are stored before the store closes
    http.close();
    if (metricsHttp != null) {
      metricsHttp.close();
    }
    blocking.shutdown();
    services.close();
    cluster.close();
    db.close();
    metrics.close();
  }
}
