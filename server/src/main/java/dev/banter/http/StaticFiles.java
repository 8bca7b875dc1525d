package dev.banter.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web client, served from the jar ({@code /web} on the classpath): read once, kept in
 * memory with an ETag. {@code index.html} carries the Content-Security-Policy that forbids
 * inline scripts; every file is revalidated (the client has no build step, so no hashed names).
 */
public final class StaticFiles {
  /** What the web client may load and where it may connect: its own origin only, no inline script. */
  public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
      + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
  private static final Map<String, String> TYPES = Map.of(
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

  private final String root;
  private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

  public StaticFiles(String classpathRoot) {
    this.root = classpathRoot;
  }

  /** The file for a request path ({@code /} is {@code /index.html}); empty when there is none. */
  public Optional<File> find(String path) {
    String p = path.equals("/") ? "/index.html" : path;
    if (!SAFE_PATH.matcher(p).matches() || p.contains("..")) {
      return Optional.empty();
    }
    return cache.computeIfAbsent(p, this::load);
  }

  private Optional<File> load(String path) {
    try (InputStream in = StaticFiles.class.getResourceAsStream(root + path)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      String type = TYPES.getOrDefault(ext, "application/octet-stream");
      String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12) + "\"";
      return Optional.of(new File(bytes, type, etag));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The routes: {@code GET /} and every file below it (anything not under /api/ that exists). */
  public void mount(Routes r) {
    r.get("/", this::serve).open().unlimited();
  }

  Object serve(Request req) {
    return respond(req, req.path());
  }

  /** A 200 with the file, a 304 when the client's ETag matches, or null when there is no such file. */
  Response respond(Request req, String path) {
    Optional<File> file = find(path);
    if (file.isEmpty()) {
      return null;
    }
    File f = file.get();
    Map<String, String> headers = new java.util.HashMap<>();
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
