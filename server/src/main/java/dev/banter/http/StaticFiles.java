package dev.banter.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web client, served from the jar ({@code /web} on the classpath): every file is read once at
 * start into a fixed index with an ETag, so a request for anything else is a plain miss that costs
 * nothing and is remembered nowhere. {@code index.html} carries the Content-Security-Policy that
 * forbids inline scripts; every file is revalidated (the client has no build step, so no hashed
 * names). Text files are compressed once at start, with Brotli where its native library loads and
 * with gzip always, and sent in the best encoding the client accepts ({@link Encodings}).
 */
public final class StaticFiles {
  private static final Logger log = LoggerFactory.getLogger(StaticFiles.class);

  /**
   * What the web client may load and where it may connect: its own origin only, no inline script.
   */
  public static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; "
          + "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; worker-src 'self'; "
          + "object-src 'none'; "
          + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  /** The web client's version, see {@link #version()}. */
  static final String VERSION_FILE = "/version.json";

  private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json; charset=utf-8",
          "webmanifest", "application/manifest+json",
          "woff2", "font/woff2");

  /** Text types worth compressing (images and fonts are compressed already). */
  private static final Set<String> COMPRESSIBLE =
      Set.of("html", "js", "mjs", "css", "svg", "json", "webmanifest", "yaml", "txt", "map");

  /** Below this a compressed body is no smaller once headers are counted. */
  private static final int MIN_COMPRESS = 512;

  /**
   * A file ready to send: its bytes, and their Brotli and gzip forms when those are smaller (null
   * otherwise). Each form has its own ETag (the identity one with {@code -br} or {@code -gz}),
   * since a cache must not answer a request for one with the other.
   */
  public record File(byte[] bytes, String contentType, String etag, byte[] brotli, byte[] gzip) {
    /**
     * The form to send for an {@code Accept-Encoding} header: its coding (null: none) and bytes.
     */
    Encodings.Chosen choose(String acceptEncoding) {
      return Encodings.choose(acceptEncoding, this);
    }
  }

  private final Map<String, File> index;

  /**
   * Every file under {@code classpathRoot} (e.g. {@code /web}), in whichever folder or jar of the
   * classpath holds it.
   */
  public StaticFiles(String classpathRoot) {
    this(classpathRoot, listed(classpathRoot));
  }

  /**
   * Only {@code names} under {@code classpathRoot}: a library's folder of which a few files are
   * served (Swagger UI's webjar holds megabytes more).
   */
  public StaticFiles(String classpathRoot, Set<String> names) {
    this(classpathRoot, read(classpathRoot, names));
  }

  private StaticFiles(String classpathRoot, Map<String, byte[]> found) {
    this(classpathRoot, found, false);
  }

  private StaticFiles(String classpathRoot, Map<String, byte[]> found, boolean versioned) {
    Map<String, File> files = new HashMap<>();
    found.forEach((path, bytes) -> files.put(path, file(path, bytes)));
    if (files.isEmpty()) {
      log.warn("no files under {} on the classpath", classpathRoot);
    }
    this.index = versioned ? withVersion(files) : Map.copyOf(files);
  }

  /**
   * The web client of {@code classpathRoot}, with {@code /version.json} ({@code {"version": …}},
   * see {@link #version()}) beside its files.
   */
  public static StaticFiles webClient(String classpathRoot) {
    return new StaticFiles(classpathRoot, listed(classpathRoot), true);
  }

  /** Files given as bytes, keyed by path (tests). */
  static StaticFiles of(Map<String, byte[]> files, boolean versioned) {
    return new StaticFiles("(given)", files, versioned);
  }

  private static Map<String, File> withVersion(Map<String, File> files) {
    StaticFiles plain = new StaticFiles(files);
    byte[] json = ("{\"version\":\"" + plain.version() + "\"}\n").getBytes(StandardCharsets.UTF_8);
    Map<String, File> out = new HashMap<>(files);
    out.put(VERSION_FILE, file(VERSION_FILE, json));
    return Map.copyOf(out);
  }

  private StaticFiles(Map<String, File> files) {
    this.index = Map.copyOf(files);
  }

  private static Map<String, byte[]> listed(String classpathRoot) {
    try {
      URL url = StaticFiles.class.getResource(classpathRoot);
      if (url != null && url.getProtocol().equals("file")) {
        return filesInFolder(Path.of(url.toURI()));
      }
      if (url != null && url.getProtocol().equals("jar")) {
        return filesInJar(
            Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI()),
            classpathRoot.substring(1));
      }
      // A jar without entries for its folders: the folder can only be found in our own jar.
      return filesUnder(
          Path.of(StaticFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
          classpathRoot.substring(1));
    } catch (IOException | URISyntaxException | RuntimeException e) {
      log.warn("cannot list the files under {}: {}", classpathRoot, e.toString());
      return Map.of();
    }
  }

  private static Map<String, byte[]> read(String classpathRoot, Set<String> names) {
    Map<String, byte[]> out = new HashMap<>();
    for (String name : names) {
      try (InputStream in = StaticFiles.class.getResourceAsStream(classpathRoot + "/" + name)) {
        if (in != null) {
          out.put("/" + name, in.readAllBytes());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /**
   * Every file below {@code folder} of a classpath entry, which is a folder (target/classes when
   * run from the build) or a jar (the shaded banter.jar), keyed by its path below {@code folder}
   * ({@code /js/api.js}).
   */
  static Map<String, byte[]> filesUnder(Path classpathEntry, String folder) throws IOException {
    return Files.isDirectory(classpathEntry)
        ? filesInFolder(classpathEntry.resolve(folder))
        : filesInJar(classpathEntry, folder);
  }

  private static Map<String, byte[]> filesInFolder(Path dir) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String path =
            "/" + dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        if (SAFE_PATH.matcher(path).matches()) { // names no request could ask for are left out
          out.put(path, Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  private static Map<String, byte[]> filesInJar(Path jarFile, String folder) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    String prefix = folder + "/";
    try (JarFile jar = new JarFile(jarFile.toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        String path =
            e.getName().startsWith(prefix) ? "/" + e.getName().substring(prefix.length()) : null;
        if (!e.isDirectory() && path != null && SAFE_PATH.matcher(path).matches()) {
          try (InputStream in = jar.getInputStream(e)) {
            out.put(path, in.readAllBytes());
          }
        }
      }
    }
    return out;
  }

  private static File file(String path, byte[] bytes) {
    String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String type = TYPES.getOrDefault(ext, "application/octet-stream");
    String etag = "\"" + digest(bytes) + "\"";
    if (!COMPRESSIBLE.contains(ext) || bytes.length < MIN_COMPRESS) {
      return new File(bytes, type, etag, null, null);
    }
    return new File(
        bytes,
        type,
        etag,
        smaller(Encodings.brotli(bytes), bytes),
        smaller(Encodings.gzip(bytes), bytes));
  }

  private static byte[] smaller(byte[] compressed, byte[] original) {
    return compressed != null && compressed.length < original.length ? compressed : null;
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What changes whenever any file of the client does: a digest of every path and ETag. A page that
   * loaded one version and later sees another (after a reconnect to an upgraded server) offers a
   * reload; the client fetches it as {@code /version.json}.
   */
  public String version() {
    StringBuilder all = new StringBuilder();
    index.entrySet().stream()
        .filter(e -> !e.getKey().equals(VERSION_FILE))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> all.append(e.getKey()).append(' ').append(e.getValue().etag()).append('\n'));
    return digest(all.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The file for a request path ({@code /} is {@code /index.html}); empty when there is none. */
  public Optional<File> find(String path) {
    return Optional.ofNullable(index.get(path.equals("/") ? "/index.html" : path));
  }

  /** How many files the index holds (fixed at start). */
  int size() {
    return index.size();
  }

  /** The routes: {@code GET /} and every file below it (anything not under /api/ that exists). */
  public void mount(Routes r) {
    r.get("/", this::serve).open().unlimited();
  }

  Object serve(Request req) {
    return respond(req, req.path());
  }

  /**
   * A 200 with the file, a 304 when the client's ETag matches, or null when there is no such file.
   */
  Response respond(Request req, String path) {
    Optional<File> file = find(path);
    if (file.isEmpty()) {
      return null;
    }
    File f = file.get();
    Encodings.Chosen chosen = f.choose(req.header("Accept-Encoding").orElse(null));
    Map<String, String> headers = new HashMap<>();
    headers.put("ETag", chosen.etag());
    headers.put("Cache-Control", "no-cache");
    headers.put("Referrer-Policy", "no-referrer");
    if (f.brotli() != null || f.gzip() != null) {
      headers.put("Vary", "Accept-Encoding");
    }
    if (chosen.coding() != null) {
      headers.put("Content-Encoding", chosen.coding());
    }
    if (f.contentType().startsWith("text/html")) {
      headers.put("Content-Security-Policy", CSP);
      headers.put("X-Frame-Options", "DENY");
    }
    if (Encodings.matches(req.header("If-None-Match").orElse(null), chosen.etag())) {
      headers.remove("Content-Encoding");
      return Response.bytes(304, new byte[0], null, headers);
    }
    return Response.bytes(200, chosen.bytes(), f.contentType(), headers);
  }
}
