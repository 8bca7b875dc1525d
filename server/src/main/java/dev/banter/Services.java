package dev.banter;

import dev.banter.auth.AccessTokens;
import dev.banter.auth.AuthService;
import dev.banter.auth.GuestSweeper;
import dev.banter.auth.JwtSecret;
import dev.banter.auth.LoginThrottle;
import dev.banter.auth.Revocations;
import dev.banter.auth.UserService;
import dev.banter.cluster.Cluster;
import dev.banter.config.Config;
import dev.banter.core.Metrics;
import dev.banter.core.PublicAddresses;
import dev.banter.core.UserLimits;
import dev.banter.messages.MessageService;
import dev.banter.notify.Notifier;
import dev.banter.push.OfflinePush;
import dev.banter.push.PushSender;
import dev.banter.push.PushService;
import dev.banter.push.VapidKeys;
import dev.banter.realtime.Gateway;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import dev.banter.uploads.UploadLimits;
import dev.banter.uploads.UploadService;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Banter's features wired over one store and one cluster shape: what a node serves over HTTP and
 * WebSocket, and what the benchmarks run in-process — one assembly for both, so a benchmark
 * measures the server as it runs. Closes what it started, last started first.
 */
public record Services(
    Config config,
    Database db,
    Cluster cluster,
    Clock clock,
    Metrics metrics,
    UserLimits limits,
    RoomService rooms,
    MessageService messages,
    Notifier notifier,
    Revocations revocations,
    AccessTokens tokens,
    AuthService auth,
    UserService users,
    GuestSweeper guests,
    UploadService uploads,
    Gateway gateway,
    PushService pushSubscriptions,
    PushSender push,
    List<AutoCloseable> started)
    implements AutoCloseable {

  /** Starts every feature on {@code db} and {@code cluster} (both stay the caller's to close). */
  public static Services start(
      Config config, Database db, Cluster cluster, Clock clock, Metrics metrics) throws Exception {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      Predicate<String> online = cluster.presence()::isOnline;
      UserLimits limits =
          UserLimits.of(
              config.messageRate(), config.messageBurst(), config.userRateScale(), metrics);
      RoomService rooms = new RoomService(db, cluster.bus(), clock, online, limits);
      rooms.ensureDefaultRoom();
      MessageService messages =
          started(
              started,
              new MessageService(
                  db, rooms, cluster.bus(), clock, MessageService.MAX_BATCH, metrics, limits));
      Notifier notifier =
          started(started, new Notifier(db, cluster.bus(), cluster.presence(), clock, metrics));
      messages.listen(notifier);
      Revocations revocations =
          started(started, new Revocations(db, cluster.bus(), clock, config.accessTokenTtl()));
      AccessTokens tokens =
          new AccessTokens(
              JwtSecret.resolve(config.jwtSecret(), config.dataDir()),
              config.accessTokenTtl(),
              clock,
              revocations);
      LoginThrottle logins =
          LoginThrottle.perMinute(
              config.authRatePerMinute(), () -> metrics.rateLimited("login_username"));
      AuthService auth =
          new AuthService(
              db,
              tokens,
              new AuthService.Policy(
                  config.refreshTokenTtl(), config.admins(), config.guestAccess()),
              logins,
              clock,
              rooms::joinDefaultRoom,
              revocations);
      UserService users = new UserService(db, online, limits);
      GuestSweeper guests =
          started(started, new GuestSweeper(db, clock, config.guestExpiry(), online));
      UploadService uploads =
          started(
              started,
              new UploadService(
                  db,
                  config.uploadDir(),
                  config.s3().orElse(null),
                  UploadLimits.of(config),
                  limits,
                  clock));
      metrics.gauge(
          "banter_uploads_receiving",
          "uploads whose body is being received",
          uploads.receiving()::get);
      Gateway gateway =
          started(
              started,
              new Gateway(
                  new Gateway.Services(tokens, auth, rooms, messages, users, limits),
                  cluster.bus(),
                  cluster.presence(),
                  clock,
                  new Gateway.Limits(
                      config.wsPingInterval(),
                      config.wsIdleTimeout(),
                      config.wsAuthTimeout(),
                      config.wsQueueBytes(),
                      config.wsReplayLimit(),
                      config.wsPerIp()),
                  metrics));
      VapidKeys vapid = VapidKeys.resolve(config);
      PublicAddresses addresses = new PublicAddresses(config.webhookAllowPrivate());
      PushService pushSubscriptions = new PushService(db, vapid, addresses, limits, clock);
      PushSender push =
          started(
              started,
              new PushSender(db, vapid, addresses, clock, metrics, PushSender.Limits.DEFAULT));
      notifier.offline(new OfflinePush(db, push));
      return new Services(
          config,
          db,
          cluster,
          clock,
          metrics,
          limits,
          rooms,
          messages,
          notifier,
          revocations,
          tokens,
          auth,
          users,
          guests,
          uploads,
          gateway,
          pushSubscriptions,
          push,
          List.copyOf(started));
    } catch (Exception e) {
      closeAll(started);
      throw e;
    }
  }

  private static <T extends AutoCloseable> T started(List<AutoCloseable> started, T service) {
    started.add(service);
    return service;
  }

  private static void closeAll(List<AutoCloseable> started) {
    List<AutoCloseable> reversed = new ArrayList<>(started);
    Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      try {
        c.close();
      } catch (Exception e) {
        LoggerFactory.getLogger(Services.class)
            .warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }

  /**
   * Closes the push sender, the gateway, uploads, sweepers and the message writer (queued posts are
   * stored first).
   */
  @Override
  public void close() {
    closeAll(started);
  }
}
