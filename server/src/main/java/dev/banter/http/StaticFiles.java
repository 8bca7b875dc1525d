package dev.banter.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
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
 * names).
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

  /** A file ready to send. */
  public record File(byte[] bytes, String contentType, String etag) {}

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
    Map<String, File> files = new HashMap<>();
    found.forEach((path, bytes) -> files.put(path, file(path, bytes)));
    this.index = Map.copyOf(files);
    if (index.isEmpty()) {
      log.warn("no files under {} on the classpath", classpathRoot);
    }
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
    try {
      String etag =
          "\""
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12)
              + "\"";
      return new File(bytes, type, etag);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
    Map<String, String> headers = new HashMap<>();
    headers.put("ETag", f.etag());
    headers.put("Cache-Control", "no-cache");
    headers.put("Referrer-Policy", "no-referrer");
    if (f.contentType().startsWith("text/html")) {
      headers.put("Content-Security-Policy", CSP);
      headers.put("X-Frame-Options", "DENY");
    }
    if (f.etag().equals(req.header("If-None-Match").orElse(null))) {
      return Response.bytes(304, new byte[0], null, headers);
    }
    return Response.bytes(200, f.bytes(), f.contentType(), headers);
  }
}
