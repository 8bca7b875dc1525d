package dev.banter.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.banter.config.Config;
import dev.banter.config.DatabaseUrl;
import dev.banter.core.Blocking;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool, the schema migrations and the query handle, for SQLite or PostgreSQL. */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /**
   * SQLite allows one writer at a time; a writer waits this long for the lock instead of failing.
   */
  private static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;

  /**
   * SQLite's own checkpoint runs inside the COMMIT that crosses its threshold, so that commit — and
   * every ack and delivery waiting on it — also waits for the database file to be written and
   * fsynced. Banter checkpoints from a thread of its own instead, this often, and leaves SQLite's
   * as a backstop far away (in pages of 4 KiB).
   */
  private static final long SQLITE_CHECKPOINT_EVERY_MS = 500;

  private static final int SQLITE_BACKSTOP_CHECKPOINT_PAGES = 50_000;

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final Jdbi jdbi;
  private final ScheduledExecutorService checkpointer;
  private final AtomicLong checkpoints = new AtomicLong();

  private Database(HikariDataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.jdbi =
        Jdbi.create(
            () -> {
              Blocking.check("JDBC");
              return pool.getConnection();
            });
    if (dialect == Dialect.SQLITE) {
      jdbi.setTransactionHandler(new OneWriterAtATime(jdbi.getTransactionHandler()));
      checkpointer =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("banter-checkpoint").daemon().factory());
      checkpointer.scheduleWithFixedDelay(
          this::checkpoint,
          SQLITE_CHECKPOINT_EVERY_MS,
          SQLITE_CHECKPOINT_EVERY_MS,
          TimeUnit.MILLISECONDS);
    } else {
      checkpointer = null;
    }
  }

  /**
   * Copies what the WAL holds into the database file without waiting for (or blocking) the writer.
   */
  private void checkpoint() {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
      checkpoints.incrementAndGet();
    } catch (SQLException | RuntimeException e) {
      log.debug(
          "checkpoint skipped: {}", e.toString()); // the next one, or SQLite's backstop, catches up
    }
  }

  /** Background checkpoints done so far (SQLite; always 0 on PostgreSQL). */
  long checkpoints() {
    return checkpoints.get();
  }

  public static Database open(Config config) {
    return open(config, null);
  }

  /** Opens storage; with {@code metrics}, the pool reports its connection timings (hikaricp_*). */
  public static Database open(Config config, MeterRegistry metrics) {
    Database db =
        config
            .database()
            .map(url -> postgres(url, metrics))
            .orElseGet(() -> sqlite(config.dataDir(), metrics));
    db.migrate();
    return db;
  }

  private static Database postgres(DatabaseUrl url, MeterRegistry metrics) {
    HikariConfig hc = new HikariConfig();
    if (metrics != null) {
      hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics));
    }
    hc.setPoolName("banter-pg");
    hc.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) {
      hc.setUsername(url.user());
    }
    if (url.password() != null) {
      hc.setPassword(url.password());
    }
    hc.setMaximumPoolSize(16);
    hc.setConnectionTimeout(5_000);
    hc.setInitializationFailTimeout(10_000);
    log.info("storage: PostgreSQL at {}", url.redacted());
    return new Database(new HikariDataSource(hc), Dialect.POSTGRESQL);
  }

  private static Database sqlite(Path dataDir, MeterRegistry metrics) {
    DataDir.prepare(dataDir);
    Path file = dataDir.resolve("banter.db").toAbsolutePath();
    for (String name : new String[] {"banter.db", "banter.db-wal", "banter.db-shm"}) {
      if (name.equals("banter.db") || Files.exists(dataDir.resolve(name))) {
        DataDir.privateFile(dataDir.resolve(name));
      }
    }
    HikariConfig hc = new HikariConfig();
    if (metrics != null) {
      hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics));
    }
    hc.setPoolName("banter-sqlite");
    hc.setJdbcUrl("jdbc:sqlite:" + file);
    // WAL: readers never block the writer; FULL: a committed (acked) write survives power loss.
    hc.addDataSourceProperty("journal_mode", "WAL");
    hc.addDataSourceProperty("synchronous", "FULL");
    hc.addDataSourceProperty("foreign_keys", "true");
    hc.addDataSourceProperty("busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MS));
    // Writers take the lock at BEGIN, so two transactions never deadlock upgrading read locks.
    hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    hc.setConnectionInitSql("PRAGMA wal_autocheckpoint=" + SQLITE_BACKSTOP_CHECKPOINT_PAGES);
    hc.setMaximumPoolSize(8);
    hc.setConnectionTimeout(10_000);
    log.info("storage: SQLite at {}", file);
    return new Database(new HikariDataSource(hc), Dialect.SQLITE);
  }

  private void migrate() {
    String folder = dialect == Dialect.SQLITE ? "sqlite" : "postgresql";
    Flyway.configure()
        .dataSource(pool)
        .locations("classpath:db/migration/" + folder)
        .loggers("slf4j")
        .load()
        .migrate();
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** True when the database answers a trivial query within a second. */
  public boolean isHealthy() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (checkpointer != null) {
      checkpointer.shutdownNow();
    }
    pool.close();
  }
}
