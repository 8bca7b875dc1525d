package dev.banter.auth;

import dev.banter.auth.Invites.Invite;
import dev.banter.config.Config.Registration;
import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Principal;
import dev.banter.core.Times;
import dev.banter.core.UserLimits;
import dev.banter.rooms.Room;
import dev.banter.rooms.RoomService;
import dev.banter.store.AuditLog;
import dev.banter.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * SPEC §9 registration modes and invite links. With {@code open} registration anyone may sign up
 * and any user may make invites (to bring people into a room); with {@code invite} a sign-up needs
 * a usable invite code, and only admins make them; with {@code closed} only admins create accounts.
 * The first account and BANTER_ADMINS may always register.
 */
public final class InviteService implements AuthService.Door {
  /** Usable invites (not expired, not used up) one user may hold at once. */
  public static final int MAX_USABLE_PER_USER = 100;

  public static final int MAX_USES = 100_000;
  public static final long MAX_EXPIRES_IN_SECONDS = Duration.ofDays(365).toSeconds();

  /** An invite without {@code expires_in} lasts a week, as Discord's do: a link leaks. */
  public static final long DEFAULT_EXPIRES_IN_SECONDS = Duration.ofDays(7).toSeconds();

  /** Invites one {@code GET /api/v1/invites} lists, newest first. */
  public static final int LIST_LIMIT = 200;

  private static final int CODE_BYTES = 16;
  private static final int MAX_CODE_LENGTH = 64;

  private final Database db;
  private final RoomService rooms;
  private final Registration mode;
  private final String publicUrl;
  private final UserLimits limits;
  private final Clock clock;

  /**
   * @param publicUrl the base of an invite's {@code url} (BANTER_PUBLIC_URL), or "" for a path
   */
  public InviteService(
      Database db,
      RoomService rooms,
      Registration mode,
      String publicUrl,
      UserLimits limits,
      Clock clock) {
    this.db = db;
    this.rooms = rooms;
    this.mode = mode;
    this.publicUrl = publicUrl;
    this.limits = limits;
    this.clock = clock;
  }

  public Registration mode() {
    return mode;
  }

  public Map<String, Object> view(Invite i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", i.code());
    m.put("url", publicUrl + "/#/invite/" + i.code());
    m.put("max_uses", i.maxUses());
    m.put("uses", i.uses());
    m.put("expires_at", Times.isoOrNull(i.expiresAt()));
    m.put("room_id", i.roomId());
    m.put("created_by", i.creator());
    m.put("created_at", Times.iso(i.createdAt()));
    return m;
  }

  /** Makes an invite; 403 for who may not, 422 naming the field for a bad value. */
  public Invite create(Principal p, Integer maxUses, Long expiresIn, String roomId) {
    limits.check(UserLimits.Action.INVITE_LINK, p.userId());
    if (p.guest() || !p.isAdmin() && mode != Registration.OPEN) {
      throw ApiError.forbidden(
          p.guest() ? "guests cannot make invites" : "only admins can make invites on this server");
    }
    if (maxUses != null && (maxUses < 1 || maxUses > MAX_USES)) {
      throw ApiError.validation("max_uses", "max_uses must be between 1 and " + MAX_USES);
    }
    long seconds = expiresIn == null ? DEFAULT_EXPIRES_IN_SECONDS : expiresIn;
    if (seconds < 1 || seconds > MAX_EXPIRES_IN_SECONDS) {
      throw ApiError.validation(
          "expires_in", "expires_in must be between 1 and " + MAX_EXPIRES_IN_SECONDS + " seconds");
    }
    if (roomId != null) {
      Room room = rooms.requireMember(p, roomId);
      if (room.isDirect()) {
        throw ApiError.validation("room_id", "an invite cannot be to a direct room");
      }
      if (!room.isPublic() && !room.canModerate()) {
        throw ApiError.forbidden("only the room's owners and admins can invite to a private room");
      }
    }
    long now = clock.millis();
    Invite invite =
        new Invite(
            Ids.randomToken(CODE_BYTES),
            p.userId(),
            p.username(),
            now,
            now + seconds * 1000,
            maxUses,
            0,
            roomId);
    db.jdbi()
        .useTransaction(
            h -> {
              if (Invites.usableOf(h, p.userId(), now) >= MAX_USABLE_PER_USER) {
                throw ApiError.conflict(
                    "you have "
                        + MAX_USABLE_PER_USER
                        + " usable invites; revoke one before making another");
              }
              Invites.insert(h, invite);
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("max_uses", maxUses);
              details.put("expires_at", Times.iso(invite.expiresAt()));
              details.put("room_id", roomId);
              AuditLog.record(h, p, "invite.create", invite.code(), details, now);
            });
    return invite;
  }

  /** The newest invites: every one for an admin, the caller's own for anyone else. */
  public List<Invite> list(Principal p) {
    limits.check(UserLimits.Action.INVITE_LINK, p.userId());
    return db.jdbi()
        .withHandle(h -> Invites.newest(h, p.isAdmin() ? null : p.userId(), LIST_LIMIT));
  }

  /** Deletes an invite: its creator or an admin; 404 for anyone else (a code is a secret). */
  public void revoke(Principal p, String code) {
    limits.check(UserLimits.Action.INVITE_LINK, p.userId());
    long now = clock.millis();
    db.jdbi()
        .useTransaction(
            h -> {
              Invite i =
                  Invites.byCode(h, code)
                      .filter(x -> p.isAdmin() || x.createdBy().equals(p.userId()))
                      .orElseThrow(() -> ApiError.notFound("no such invite"));
              Invites.delete(h, i.code());
              AuditLog.record(
                  h, p, "invite.revoke", i.code(), Map.of("created_by", i.creator()), now);
            });
  }

  @Override
  public String admit(Handle h, String inviteCode, boolean exempt, long now) {
    if (inviteCode == null) {
      if (exempt || mode == Registration.OPEN) {
        return null;
      }
      throw ApiError.forbidden(
          mode == Registration.CLOSED
              ? "registration is closed on this server: an admin creates accounts"
              : "an invite is needed to register on this server");
    }
    if (mode == Registration.CLOSED && !exempt) {
      throw ApiError.forbidden("registration is closed on this server: an admin creates accounts");
    }
    if (inviteCode.length() > MAX_CODE_LENGTH) {
      throw ApiError.forbidden("this invite is not valid (used up or expired)");
    }
    Invite invite =
        Invites.byCode(h, inviteCode)
            .filter(i -> i.usable(now))
            .orElseThrow(() -> ApiError.forbidden("this invite is not valid (used up or expired)"));
    if (!Invites.use(h, invite.code(), now)) {
      throw ApiError.forbidden("this invite is not valid (used up or expired)");
    }
    return invite.roomId();
  }

  @Override
  public void enter(Handle h, User user, String roomId) {
    rooms.joinOnRegistration(h, user, roomId);
  }

  @Override
  public void entered(User user, String roomId) {
    rooms.announceJoined(roomId, user.id());
  }
}
