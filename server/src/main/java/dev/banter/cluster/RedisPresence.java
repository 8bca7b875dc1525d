package dev.banter.cluster;

import dev.banter.core.Outage;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence across nodes in Redis. Keys: {@code banter:online:<user>} — sorted set of node ids,
 * scored by when that node's claim expires; {@code banter:node:<node>:users} — the users a node
 * holds; {@code banter:nodes} — node ids scored by their last heartbeat. Every {@code ttl/3} a node
 * renews its claims and heartbeat; a claim not renewed lapses after {@code ttl}, so a dead node's
 * users read as offline within {@code ttl}, and the first live node to notice the dead one
 * announces them offline. While Redis is away, only this node's own connections count.
 *
 * <p>The commands of one change (an arrival, a departure, a heartbeat's renewals) are pipelined: a
 * heartbeat of 19,000 users waits for a few dozen round trips, not 57,000 in a row.
 */
public final class RedisPresence implements Presence {
  private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);
  private static final String NODES = "banter:nodes";

  /** Users renewed per pipelined batch of the heartbeat. */
  private static final int RENEW_BATCH = 512;

  private final RedisCommands<String, String> redis;
  private final RedisAsyncCommands<String, String> pipeline;
  private final Duration timeout;
  private final String nodeId;
  private final Duration ttl;
  private final Clock clock;

  /**
   * The users with a connection on this node: arrived here and not departed (renewed each
   * heartbeat).
   */
  private final Set<String> localUsers = ConcurrentHashMap.newKeySet();

  /**
   * This node's open connections (published each heartbeat for the admin stats); none until
   * counted.
   */
  private volatile LongSupplier localConnections = () -> 0;

  private final CopyOnWriteArrayList<Consumer<String>> lost = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Runnable> nodeLost = new CopyOnWriteArrayList<>();
  private final Outage heartbeatOutage =
      new Outage(
          log, "presence heartbeat", "claims lapse after their time to live until it works again");

  /** Arrivals and departures that cannot reach Redis are counted on this node only. */
  private final Outage callsOutage =
      new Outage(
          log,
          "presence: calling redis",
          "counting this node's own connections only until it answers");

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("banter-presence").daemon().factory());

  public RedisPresence(RedisBus bus, Duration ttl, Clock clock) {
    this.redis = bus.commands().sync();
    this.pipeline = bus.commands().async();
    this.timeout = bus.commands().getTimeout();
    this.nodeId = bus.nodeId();
    this.ttl = ttl;
    this.clock = clock;
    long period = Math.max(100, ttl.toMillis() / 3);
    timer.scheduleAtFixedRate(this::tick, 0, period, TimeUnit.MILLISECONDS);
  }

  private static String online(String userId) {
    return "banter:online:" + userId;
  }

  private String users(String node) {
    return "banter:node:" + node + ":users";
  }

  @Override
  public boolean arrived(String userId) {
    localUsers.add(userId);
    try {
      long now = clock.millis();
      List<RedisFuture<?>> sent = new ArrayList<>(4);
      // Read before claiming: the commands of one connection run in the order sent.
      RedisFuture<List<String>> holders =
          pipeline.zrangebyscore(online(userId), Range.create((double) now, Double.MAX_VALUE));
      sent.add(holders);
      claim(userId, now, sent);
      sent.add(pipeline.sadd(users(nodeId), userId));
      await(sent);
      callsOutage.succeeded();
      return holders.toCompletableFuture().join().stream()
          .allMatch(nodeId::equals); // done: awaited
    } catch (RuntimeException e) {
      callsOutage.failed(e);
      return true;
    }
  }

  /** Queues the commands that claim {@code userId} for this node until {@code now + ttl}. */
  private void claim(String userId, long now, List<RedisFuture<?>> sent) {
    sent.add(pipeline.zadd(online(userId), (double) (now + ttl.toMillis()), nodeId));
    sent.add(pipeline.pexpire(online(userId), ttl.toMillis() * 2));
  }

  /** Renews the claims of every user, {@link #RENEW_BATCH} at a time. */
  private void renew(Collection<String> userIds, long now) {
    List<RedisFuture<?>> sent = new ArrayList<>(2 * RENEW_BATCH + 1);
    List<String> batch = new ArrayList<>(RENEW_BATCH);
    for (String userId : userIds) {
      claim(userId, now, sent);
      batch.add(userId);
      if (batch.size() == RENEW_BATCH) {
        sent.add(pipeline.sadd(users(nodeId), batch.toArray(String[]::new)));
        await(sent);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      sent.add(pipeline.sadd(users(nodeId), batch.toArray(String[]::new)));
    }
    await(sent);
  }

  /** Waits for every queued command (failing like a synchronous call would) and clears the list. */
  private void await(List<RedisFuture<?>> sent) {
    if (!sent.isEmpty() && !LettuceFutures.awaitAll(timeout, sent.toArray(RedisFuture[]::new))) {
      throw new RedisCommandTimeoutException("presence commands timed out after " + timeout);
    }
    sent.clear();
  }

  @Override
  public boolean departed(String userId) {
    localUsers.remove(userId);
    try {
      List<RedisFuture<?>> sent = new ArrayList<>(3);
      sent.add(pipeline.zrem(online(userId), nodeId));
      sent.add(pipeline.srem(users(nodeId), userId));
      RedisFuture<Long> holders =
          pipeline.zcount(online(userId), Range.create((double) clock.millis(), Double.MAX_VALUE));
      sent.add(holders);
      await(sent);
      callsOutage.succeeded();
      return holders.toCompletableFuture().join() == 0; // done: awaited
    } catch (RuntimeException e) {
      callsOutage.failed(e);
      return true;
    }
  }

  @Override
  public boolean isOnline(String userId) {
    if (localUsers.contains(userId)) {
      return true;
    }
    try {
      return redis.zcount(online(userId), Range.create((double) clock.millis(), Double.MAX_VALUE))
          > 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Pipelined: one ZCOUNT per user not held here, {@link #RENEW_BATCH} awaited at a time. */
  @Override
  public Set<String> online(Collection<String> userIds) {
    Set<String> out = new HashSet<>();
    List<String> asked = new ArrayList<>(RENEW_BATCH);
    List<RedisFuture<Long>> counts = new ArrayList<>(RENEW_BATCH);
    Range<Double> live = Range.create((double) clock.millis(), Double.MAX_VALUE);
    try {
      for (String u : userIds) {
        if (localUsers.contains(u)) {
          out.add(u);
          continue;
        }
        asked.add(u);
        counts.add(pipeline.zcount(online(u), live));
        if (asked.size() == RENEW_BATCH) {
          collect(asked, counts, out);
        }
      }
      collect(asked, counts, out);
      callsOutage.succeeded();
    } catch (RuntimeException e) {
      callsOutage.failed(e); // as isOnline: unknown counts as offline
    }
    return out;
  }

  private void collect(List<String> asked, List<RedisFuture<Long>> counts, Set<String> out) {
    await(new ArrayList<>(counts));
    for (int i = 0; i < asked.size(); i++) {
      if (counts.get(i).toCompletableFuture().join() > 0) {
        out.add(asked.get(i));
      }
    }
    asked.clear();
    counts.clear();
  }

  private static String connections(String node) {
    return "banter:node:" + node + ":connections";
  }

  @Override
  public Map<String, Long> connectionsPerNode(String self, long local) {
    Map<String, Long> out = new TreeMap<>();
    try {
      for (String node :
          redis.zrangebyscore(
              NODES, Range.create((double) (clock.millis() - ttl.toMillis()), Double.MAX_VALUE))) {
        String n = redis.get(connections(node));
        out.put(node, n == null ? 0 : Long.parseLong(n));
      }
    } catch (RuntimeException e) {
      log.debug("connection counts unavailable: {}", e.toString());
    }
    out.put(self, local);
    return out;
  }

  @Override
  public void onLost(Consumer<String> userWentOffline) {
    lost.add(userWentOffline);
  }

  @Override
  public void onNodeLost(Runnable action) {
    nodeLost.add(action);
  }

  @Override
  public void countConnections(LongSupplier connections) {
    localConnections = connections;
  }

  /** Renews this node's heartbeat and claims, then looks for nodes that stopped beating. */
  private void tick() {
    try {
      long now = clock.millis();
      redis.zadd(NODES, (double) now, nodeId);
      redis.set(
          connections(nodeId),
          String.valueOf(localConnections.getAsLong()),
          SetArgs.Builder.px(ttl.toMillis() * 2));
      renew(List.copyOf(localUsers), now);
      for (String dead :
          redis.zrangebyscore(NODES, Range.create(0d, (double) (now - ttl.toMillis())))) {
        if (!dead.equals(nodeId)
            && "OK"
                .equals(
                    redis.set(
                        "banter:reap:" + dead, nodeId, SetArgs.Builder.nx().px(ttl.toMillis())))) {
          reap(dead, now);
        }
      }
      heartbeatOutage.succeeded();
    } catch (RuntimeException e) {
      heartbeatOutage.failed(e);
    }
  }

  private void reap(String dead, long now) {
    log.info("node {} stopped beating; its users are offline unless held elsewhere", dead);
    for (String userId : redis.smembers(users(dead))) {
      redis.zrem(online(userId), dead);
      if (redis.zcount(online(userId), Range.create((double) now, Double.MAX_VALUE)) == 0) {
        lost.forEach(l -> l.accept(userId));
      }
    }
    redis.del(users(dead));
    redis.zrem(NODES, dead);
    nodeLost.forEach(Runnable::run);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      redis.zrem(NODES, nodeId);
      redis.del(users(nodeId));
    } catch (RuntimeException e) {
      // best effort: claims lapse by themselves
    }
  }
}
