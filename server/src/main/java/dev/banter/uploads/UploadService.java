package dev.banter.uploads;

import dev.banter.auth.AvatarUrls;
import dev.banter.config.Config;
import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.http.UploadTarget;
import dev.banter.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploaded files: stored under a random name in the uploads folder (shared by every node of a
 * cluster), typed by their bytes, hashed (SHA-256), thumbnailed when they are images, served only
 * to their uploader and to members of a room where they were posted, and removed after a day if
 * never attached. Each user's uploads are held to a daily and a total quota.
 */
public final class UploadService implements UploadTarget, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UploadService.class);
  static final Duration ORPHAN_AGE = Duration.ofHours(24);
  private static final int NAME_MAX = 200;
  private static final String INSERT =
      """
      INSERT INTO uploads (id, uploader_id, name, size, content_type, sha256, storage_name, created_at)
      VALUES (:id, :uploader, :name, :size, :type, :sha, :storage, :now)
      """;

  /** A stored upload. */
  public record Upload(
      String id,
      String uploaderId,
      String name,
      long size,
      String contentType,
      String sha256,
      String storageName,
      long createdAt) {
    public Map<String, Object> view() {
      return view(id, name, size, contentType);
    }

    /** What uploads and message attachments show of a file. */
    public static Map<String, Object> view(String id, String name, long size, String contentType) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("name", name);
      m.put("size", size);
      m.put("content_type", contentType);
      m.put("url", "/api/v1/uploads/" + id);
      if (Sniffer.isImage(contentType)) {
        m.put("thumbnail_url", "/api/v1/uploads/" + id + "/thumbnail");
      }
      return m;
    }
  }

  private final Database db;

  /** Uploads started per user (the quota bounds bytes; this bounds requests). */
  private final UserLimits perUser;

  private final Path dir;
  private final FileStore files;
  private final StoreHealth health;
  private final UploadLimits limits;
  private final UploadQuota quota;
  private final Thumbnails thumbnails = new Thumbnails();
  private final AtomicInteger receiving = new AtomicInteger();
  private final IncomingSweep leftovers;
  private final Clock clock;
  private final ScheduledExecutorService sweeper =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("banter-uploads").daemon().factory());

  /**
   * @param dir the local folder: incoming parts always, and the stored files unless {@code s3} is
   *     given
   * @param s3 an S3-compatible bucket for the stored files, or null
   */
  public UploadService(
      Database db, Path dir, Config.S3 s3, UploadLimits limits, UserLimits perUser, Clock clock) {
    this.perUser = perUser;
    this.db = db;
    this.dir = dir;
    this.files =
        s3 == null
            ? new LocalFileStore(dir)
            : new S3FileStore(
                s3.endpoint(), s3.region(), s3.bucket(), s3.accessKey(), s3.secretKey());
    // incoming parts are written to the folder even when the files end up in a bucket
    this.health =
        new StoreHealth(s3 == null ? List.of(files) : List.of(new LocalFileStore(dir), files));
    this.limits = limits;
    this.quota = new UploadQuota(limits, db.dialect(), clock);
    this.clock = clock;
    this.leftovers = new IncomingSweep(incomingDir(), limits.stallTimeout());
    leftovers.run();
    sweeper.scheduleAtFixedRate(this::removeOrphans, 1, 60, TimeUnit.MINUTES);
    sweeper.scheduleWithFixedDelay(
        leftovers::run,
        IncomingSweep.EVERY.toMinutes(),
        IncomingSweep.EVERY.toMinutes(),
        TimeUnit.MINUTES);
  }

  /**
   * Why this node cannot store uploads now (the setting to fix and a short reason, shown by {@code
   * /ready}), or null when it can. Logged at start and whenever it changes.
   */
  public String storeProblem() {
    StoreProblem p = health.problem();
    return p == null ? null : p.summary();
  }

  @Override
  public long maxBytes() {
    return limits.maxBytes();
  }

  @Override
  public Duration stallTimeout() {
    return limits.stallTimeout();
  }

  @Override
  public AtomicInteger receiving() {
    return receiving;
  }

  @Override
  public Allowance admit(Principal uploader) {
    perUser.check(
        UserLimits.Action.UPLOAD, uploader.userId()); // before any query: a flood costs nothing
    return db.jdbi().withHandle(h -> quota.allowance(h, uploader));
  }

  @Override
  public Path incomingDir() {
    return dir.resolve("incoming");
  }

  @Override
  public Object store(Principal uploader, Path file, String clientName, long declaredSize) {
    String storage = Ids.randomToken(24);
    boolean orphaned = false; // files put in the store but not recorded
    try {
      long size = Files.size(file); // what arrived, whatever the decoder was told
      if (size == 0) {
        throw ApiError.validation("file", "the file is empty");
      }
      if (size > limits.maxBytes()) {
        throw ApiError.payloadTooLarge("files are limited to " + limits.maxBytes() + " bytes");
      }
      db.jdbi()
          .useHandle(
              h ->
                  quota.check(
                      h, uploader, size)); // the usual refusal, before any hashing or storing
      byte[] head = new byte[Sniffer.HEAD_BYTES];
      int headLength;
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
        headLength = in.readNBytes(head, 0, head.length);
        in.transferTo(OutputStream.nullOutputStream());
      }
      String type = Sniffer.contentType(head, headLength);
      orphaned = true;
      if (Sniffer.isImage(type)) {
        Path thumb = incomingDir().resolve(storage + ".thumb.png");
        try {
          if (thumbnails.make(file, thumb)) {
            files.put(storage + ".thumb.png", thumb, "image/png");
          }
        } finally {
          Files.deleteIfExists(thumb);
        }
      }
      files.put(storage, file, type);
      Upload u =
          new Upload(
              Ids.newId(),
              uploader.userId(),
              safeName(clientName),
              size,
              type,
              HexFormat.of().formatHex(sha.digest()),
              storage,
              clock.millis());
      // Checked again where it is recorded, taking turns with the uploader's other uploads: two
      // parallel ones may both have passed the check above, only one of them can pass this one.
      db.jdbi()
          .useTransaction(
              h -> {
                quota.lock(h, uploader);
                quota.check(h, uploader, size);
                h.createUpdate(INSERT)
                    .bind("id", u.id())
                    .bind("uploader", u.uploaderId())
                    .bind("name", u.name())
                    .bind("size", u.size())
                    .bind("type", u.contentType())
                    .bind("sha", u.sha256())
                    .bind("storage", u.storageName())
                    .bind("now", u.createdAt())
                    .execute();
              });
      orphaned = false;
      return u.view();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } finally {
      if (orphaned) {
        deleteStored(storage);
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.warn("cannot remove {}: {}", file, e.toString());
      }
    }
  }

  /** Removes the files of an upload that was not recorded. */
  private void deleteStored(String storage) {
    try {
      files.delete(storage);
      files.delete(storage + ".thumb.png");
    } catch (IOException | RuntimeException e) {
      log.warn("cannot remove the unrecorded upload {}: {}", storage, e.toString());
    }
  }

  /**
   * The name to show: the last path segment of what the client sent, without control characters.
   */
  static String safeName(String raw) {
    String name = raw == null ? "" : raw.replace('\\', '/');
    name = name.substring(name.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "").strip();
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      name = "file";
    }
    return name.length() > NAME_MAX ? name.substring(name.length() - NAME_MAX) : name;
  }

  public Optional<Upload> find(String id) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        """
        SELECT id, uploader_id, name, size, content_type, sha256, storage_name, created_at FROM uploads WHERE id = :id
        """)
                    .bind("id", id)
                    .map(
                        (rs, ctx) ->
                            new Upload(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getLong(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getLong(8)))
                    .findOne());
  }

  /**
   * The image behind an avatar key (see {@code AvatarUrls}): only while it is someone's avatar, and
   * only a type an avatar may have. Anything else is a 404 that tells nothing more.
   */
  public Upload avatar(String key) {
    ApiError missing = ApiError.notFound("no such avatar");
    if (!AvatarUrls.wellFormedKey(key)) {
      throw missing;
    }
    String id =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT avatar_upload_id FROM users WHERE avatar_key = :key")
                        .bind("key", key)
                        .mapTo(String.class)
                        .findOne())
            .orElseThrow(() -> missing);
    Upload u = find(id).orElseThrow(() -> missing);
    if (!AvatarUrls.TYPES.contains(u.contentType()) || u.size() > AvatarUrls.MAX_BYTES) {
      throw missing;
    }
    return u;
  }

  /**
   * The upload, if {@code p} may download it: its uploader, or a member of a room where it was
   * posted.
   */
  public Upload readable(Principal p, String id) {
    Upload u = find(id).orElseThrow(() -> ApiError.notFound("no such upload"));
    if (u.uploaderId().equals(p.userId())) {
      return u;
    }
    boolean member =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                                """
        SELECT count(*) FROM message_attachments a
          JOIN messages m ON m.id = a.message_id
          JOIN room_members r ON r.room_id = m.room_id AND r.user_id = :user
         WHERE a.upload_id = :id
        """)
                            .bind("user", p.userId())
                            .bind("id", id)
                            .mapTo(Long.class)
                            .one()
                        > 0);
    if (!member) {
      throw ApiError.forbidden("you may not read this file");
    }
    return u;
  }

  /** The stored bytes of an upload, as a stream the caller closes. */
  public InputStream open(Upload u) {
    try {
      return files.open(u.storageName()).orElseThrow(() -> ApiError.notFound("the file is gone"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The thumbnail of an image upload, if it has one. */
  public Optional<byte[]> thumbnail(Upload u) {
    try {
      return files.read(u.storageName() + ".thumb.png");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes uploads older than a day that no message refers to, with their files. */
  public int removeOrphans() {
    long cutoff = clock.millis() - ORPHAN_AGE.toMillis();
    try {
      List<Upload> orphans =
          db.jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              """
          SELECT id, uploader_id, name, size, content_type, sha256, storage_name, created_at FROM uploads u
           WHERE u.created_at < :cutoff
             AND NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.upload_id = u.id)
             AND NOT EXISTS (SELECT 1 FROM users s WHERE s.avatar_upload_id = u.id)
          """)
                          .bind("cutoff", cutoff)
                          .map(
                              (rs, ctx) ->
                                  new Upload(
                                      rs.getString(1),
                                      rs.getString(2),
                                      rs.getString(3),
                                      rs.getLong(4),
                                      rs.getString(5),
                                      rs.getString(6),
                                      rs.getString(7),
                                      rs.getLong(8)))
                          .list());
      for (Upload u : orphans) {
        db.jdbi()
            .useHandle(
                h ->
                    h.createUpdate("DELETE FROM uploads WHERE id = :id")
                        .bind("id", u.id())
                        .execute());
        files.delete(u.storageName());
        files.delete(u.storageName() + ".thumb.png");
      }
      return orphans.size();
    } catch (IOException | RuntimeException e) {
      log.warn("removing orphan uploads failed: {}", e.toString());
      return 0;
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    if (files instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        log.debug("closing the file store: {}", e.toString());
      }
    }
  }
}
