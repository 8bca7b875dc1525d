package dev.banter.core;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-user budgets for everything that changes state or makes the server work, one bucket per
 * action and user, shared by REST and WebSocket: a user who spends their reactions over the socket
 * has none left over REST. Over a budget the action is refused with 429 {@code rate_limited} (and
 * {@code retry_after_ms}) and nothing changes.
 */
public final class UserLimits {
  /** What a user does, each with its own budget: a burst, then a steady rate per second. */
  public enum Action {
    /** Posting a message; its rate and burst are BANTER_MESSAGE_RATE / BANTER_MESSAGE_BURST. */
    SEND(10, 20),
    EDIT(2, 20),
    DELETE(5, 30),
    REACT(5, 30),
    /**
     * Pinning and unpinning: a change every member is sent, like a reaction, but a room keeps few
     * pins, so a tighter budget than reactions still leaves room for tidying the list.
     */
    PIN(1, 20),
    READ(10, 60),
    /** Dropped quietly when over: typing is a hint, not worth an error frame. */
    TYPING(2, 10),
    /**
     * join_room (each replays from storage) and joining a room over REST; a client rejoins all its
     * rooms on reconnect.
     */
    JOIN(10, 300),
    ROOM_CREATE(0.1, 10),
    DM_CREATE(1, 20),
    INVITE(2, 30),
    /**
     * Changing a room: its name, topic, visibility, members' roles, kicks, leaving, deleting it.
     */
    ROOM_CHANGE(2, 30),
    PROFILE(1, 10),
    /** A member's own settings of a room: notification level and mute (SPEC §8). */
    SETTINGS(1, 20),
    /** Blocking and unblocking users (SPEC §9). */
    BLOCK(1, 20),
    UPLOAD(1, 10),
    /**
     * Web Push subscribing and unsubscribing: a browser does it once per sign-in or key change, and
     * each subscribe is a DNS lookup and a write; the 10-per-user bound caps what it stores.
     */
    PUSH_SUBSCRIBE(0.2, 10),
    /**
     * Reading one message by id (a reply's quoted parent that is not loaded): a client opening a
     * room may ask for the parents of every reply on its first page at once, hence the burst.
     */
    MESSAGE_GET(20, 100),
    /**
     * Listing and ending my signed-in sessions (SPEC §9): "sign out everywhere else" ends up to 49
     * at once, hence the burst.
     */
    SESSIONS(2, 60),
    /** Reading a room's read markers ("seen by"): once per room opened and per reconnect. */
    RECEIPTS(2, 30),
    /**
     * Creating, listing and revoking invite links (SPEC §9): an admin hands out a few at a time;
     * the 100 usable invites per user bound what is stored.
     */
    INVITE_LINK(0.2, 20),
    /** The admin API's writes and reads (users, rooms, audit), per admin. */
    ADMIN(5, 60);

    final double perSecond;
    final long burst;

    Action(double perSecond, long burst) {
      this.perSecond = perSecond;
      this.burst = burst;
    }

    /** The metrics label: {@code user_send}, {@code user_react}, … */
    String label() {
      return "user_" + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<Action, RateLimiter> limiters = new EnumMap<>(Action.class);

  private UserLimits(double sendRate, long sendBurst, double scale, Metrics metrics) {
    for (Action a : Action.values()) {
      double rate = a == Action.SEND ? sendRate : a.perSecond * scale;
      long burst = a == Action.SEND ? sendBurst : Math.max(1, Math.round(a.burst * scale));
      RateLimiter limiter = RateLimiter.perSecond(rate, burst);
      if (metrics != null) {
        limiter.onReject(() -> metrics.rateLimited(a.label()));
      }
      limiters.put(a, limiter);
    }
  }

  /**
   * The defaults times {@code scale} (BANTER_USER_RATE_SCALE), with the configured send rate;
   * refusals are counted in {@code metrics} (may be null).
   */
  public static UserLimits of(double sendRate, long sendBurst, double scale, Metrics metrics) {
    return new UserLimits(sendRate, sendBurst, scale, metrics);
  }

  /** No limits worth the name (benchmarks and tools that drive the services directly). */
  public static UserLimits unlimited() {
    return new UserLimits(1e9, 1_000_000_000L, 1e8, null);
  }

  /** Takes one of {@code userId}'s {@code action} tokens, or throws 429 {@code rate_limited}. */
  public void check(Action action, String userId) {
    limiters.get(action).check(userId);
  }

  /** Takes one token; 0 when allowed, else the milliseconds until one is available. */
  public long tryAcquire(Action action, String userId) {
    return limiters.get(action).tryAcquire(userId);
  }
}
