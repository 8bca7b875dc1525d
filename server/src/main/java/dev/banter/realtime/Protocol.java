package dev.banter.realtime;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.banter.auth.AccessTokens;
import dev.banter.auth.AuthService;
import dev.banter.auth.User;
import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Principal;
import dev.banter.core.Times;
import dev.banter.core.UserLimits;
import dev.banter.messages.MessageService;
import dev.banter.messages.PostOutcome;
import dev.banter.rooms.RoomService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each client frame does (SPEC §5). Runs on the connection's virtual thread, one frame at a
 * time, so it is plain blocking code; errors thrown as {@code ApiError} become error frames.
 */
public final class Protocol {
  private static final Logger log = LoggerFactory.getLogger(Protocol.class);

  /** Rejected sends in a row after which a client is closed with 4029. */
  private static final int ABUSE_STRIKES = 50;

  private final AccessTokens tokens;
  private final AuthService auth;
  private final RoomService rooms;
  private final MessageService messages;
  private final Gateway gateway;
  private final UserLimits limits;

  /** Rejected sends in a row per user; forgotten after a quiet minute so the map stays small. */
  private final Cache<String, AtomicInteger> strikes =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(1)).maximumSize(100_000).build();

  public Protocol(
      AccessTokens tokens,
      AuthService auth,
      RoomService rooms,
      MessageService messages,
      Gateway gateway,
      UserLimits limits) {
    this.tokens = tokens;
    this.auth = auth;
    this.rooms = rooms;
    this.messages = messages;
    this.gateway = gateway;
    this.limits = limits;
  }

  void handle(Connection c, ClientFrame frame) {
    Principal p = c.principal();
    if (p == null) {
      if (frame instanceof ClientFrame.Auth a) {
        authenticate(c, a.ref(), a.token());
      } else {
        c.close(CloseCode.UNAUTHORIZED); // the first frame must authenticate
      }
      return;
    }
    switch (frame) {
      case ClientFrame.Auth a -> reauthenticate(c, a.ref(), a.token());
      case ClientFrame.JoinRoom j -> {
        limits.check(UserLimits.Action.JOIN, p.userId()); // each join may replay from storage
        gateway.join(c, j.ref(), j.roomId(), j.sinceSeq(), j.sinceRev());
      }
      case ClientFrame.LeaveRoom l -> {
        gateway.leave(c, l.roomId());
        c.reply(Frames.reply("left", l.ref(), Map.of("room_id", l.roomId())));
      }
      case ClientFrame.SendMessage s -> send(c, s);
      case ClientFrame.EditMessage e ->
          ack(
              c,
              e.ref(),
              Map.of("message", messages.edit(p, e.roomId(), e.messageId(), e.body()).view()));
      case ClientFrame.DeleteMessage d -> {
        messages.delete(p, d.roomId(), d.messageId());
        ack(c, d.ref(), Map.of("room_id", d.roomId(), "message_id", d.messageId()));
      }
      case ClientFrame.React r ->
          ack(
              c,
              r.ref(),
              Map.of(
                  "message",
                  messages.react(p, r.roomId(), r.messageId(), r.emoji(), r.on()).view()));
      case ClientFrame.Typing t -> {
        if (limits.tryAcquire(UserLimits.Action.TYPING, p.userId()) > 0) {
          return; // over the budget: dropped quietly, typing is only a hint
        }
        if (!gateway.subscribed(c, t.roomId())) {
          rooms.requireRole(p, t.roomId());
        }
        gateway.typing(p, t.roomId(), t.active());
      }
      case ClientFrame.Read r -> rooms.markRead(p, r.roomId(), r.seq());
      case ClientFrame.Ping ping -> c.reply(Frames.reply("pong", ping.ref(), Map.of()));
    }
  }

  private void authenticate(Connection c, String ref, String token) {
    Principal p;
    try {
      p = tokens.authenticate(token);
    } catch (ApiError e) {
      c.close(CloseCode.UNAUTHORIZED);
      return;
    }
    User user;
    try {
      user = auth.me(p.userId());
    } catch (ApiError e) {
      c.close(CloseCode.UNAUTHORIZED); // the account is gone
      return;
    } catch (RuntimeException e) {
      // Storage did not answer (down, or every pooled connection busy): the token may be fine, so
      // the
      // client should come back later rather than sign out.
      log.warn("ws auth could not read the user: {}", e.toString());
      c.close(CloseCode.TRY_AGAIN_LATER);
      return;
    }
    Session session = new Session(p, Ids.randomToken(9));
    c.authenticated(session);
    gateway.connected(c);
    log.info(
        "ws open {} {} {}",
        kv("user", p.username()),
        kv("session", session.id()),
        kv("ip", c.ip()));
    Map<String, Object> ready = new LinkedHashMap<>();
    ready.put("user", user.view());
    ready.put("session_id", session.id());
    ready.put("heartbeat_ms", gateway.limits().pingInterval().toMillis());
    c.reply(Frames.reply("ready", ref, ready));
  }

  /**
   * A fresh access token for the same user on an open connection (the client refreshed): the
   * connection now lives until that token expires. A bad token changes nothing and is answered with
   * an error; the connection still closes 4001 when its current token expires.
   */
  private void reauthenticate(Connection c, String ref, String token) {
    Principal p = tokens.authenticate(token); // ApiError 401 → an error frame
    Session current = c.session();
    if (!p.userId().equals(current.userId())) {
      throw ApiError.forbidden("the token belongs to another user; open a new connection for them");
    }
    c.authenticated(current.renewed(p));
    c.reply(Frames.reply("authenticated", ref, Map.of("expires_at", Times.iso(p.expiresAt()))));
  }

  /** Whether {@code p}'s token still holds now (checked at every heartbeat of its connection). */
  boolean stillValid(Principal p) {
    return tokens.stillValid(p, System.currentTimeMillis());
  }

  private void send(Connection c, ClientFrame.SendMessage s) {
    Principal p = c.principal();
    String ref = s.ref();
    try {
      // Queued now, in frame order; the ack is written on the writer thread right after commit,
      // before the new_message event (MessageWriter.commit), so the sender sees ack then its own
      // message.
      post(c, p, s, ref);
    } catch (ApiError e) {
      if (e.status() == 429
          && strikes.get(p.userId(), k -> new AtomicInteger()).incrementAndGet() >= ABUSE_STRIKES) {
        c.close(
            CloseCode
                .RATE_LIMITED); // over the send budget again and again: not a client that listens
        return;
      }
      throw e;
    }
    strikes.invalidate(p.userId());
  }

  private void post(Connection c, Principal p, ClientFrame.SendMessage s, String ref) {
    messages.postAsync(
        p,
        new MessageService.Draft(
            s.roomId(), s.body(), s.replyTo(), s.threadId(), s.clientId(), s.attachments()),
        outcome -> {
          switch (outcome) {
            case PostOutcome.Posted posted ->
                c.reply(
                    Frames.reply(
                        "ack",
                        ref,
                        Map.of("client_id", s.clientId(), "message", posted.message().view())));
            case PostOutcome.Refused refused ->
                c.reply(
                    Frames.error(
                        ref,
                        refused.error() instanceof ApiError api
                            ? api
                            : new ApiError(500, "internal", "internal error", Map.of())));
          }
        });
  }

  private static void ack(Connection c, String ref, Map<String, Object> fields) {
    c.reply(Frames.reply("ack", ref, fields));
  }

  void disconnected(Connection c) {
    gateway.disconnected(c);
  }

  void slowConsumerClosed() {
    gateway.slowConsumer();
  }
}
