package dev.banter.uploads;

import dev.banter.core.ApiError;
import dev.banter.http.Request;
import dev.banter.http.Response;
import dev.banter.http.Routes;
import dev.banter.http.UploadTarget;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Downloads: {@code GET /api/v1/uploads/{id}} and its thumbnail, to the uploader and members of a
 * room where the file was posted. Images are shown inline, everything else is an attachment; the
 * browser is told not to sniff, and the file may run no script.
 */
public final class UploadRoutes {
  private final UploadService uploads;

  public UploadRoutes(UploadService uploads) {
    this.uploads = uploads;
  }

  public void mount(Routes r) {
    // Served by http.UploadReceiver, which streams the body before any route runs; listed here so
    // the route table (and the API document checked against it) knows it.
    r.post(
            UploadTarget.PATH,
            req -> {
              throw ApiError.badRequest(
                  "send the file as multipart/form-data in a field named 'file'");
            })
        .created();
    r.get("/api/v1/uploads/{id}", this::download);
    r.get("/api/v1/uploads/{id}/thumbnail", this::thumbnail);
    // open: an <img> of another user's avatar carries no token; the key is the only secret
    r.get("/api/v1/avatars/{key}", this::avatar).open();
  }

  /** Streamed in chunks as the client reads (a file may be large; a client may not read). */
  Object download(Request req) {
    UploadService.Upload u = uploads.readable(req.user(), req.param("id"));
    return Response.stream(
        200,
        uploads.open(u),
        u.size(),
        u.contentType(),
        headers(u.name(), Sniffer.isImage(u.contentType())));
  }

  /**
   * An avatar, to anyone who has its key: the image only, never cached with the wrong type, and
   * cached long (a new avatar has a new key, so the old one can be cached for good).
   */
  Object avatar(Request req) {
    String key = req.param("key");
    UploadService.Upload u = uploads.avatar(key);
    String etag = "\"" + key + "\"";
    Map<String, String> headers =
        Map.of(
            "ETag", etag,
            "Cache-Control", "public, max-age=31536000, immutable",
            "Content-Disposition", "inline",
            "Content-Security-Policy", "default-src 'none'; sandbox",
            "Cross-Origin-Resource-Policy", "same-origin");
    if (names(req.header("If-None-Match").orElse(null), etag)) {
      return Response.bytes(304, new byte[0], null, headers);
    }
    return Response.stream(200, uploads.open(u), u.size(), u.contentType(), headers);
  }

  /** Whether an {@code If-None-Match} header names {@code etag} (or is {@code *}). */
  private static boolean names(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals("*") || t.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** Thumbnails are small (320 px PNGs): sent whole. */
  Object thumbnail(Request req) {
    UploadService.Upload u = uploads.readable(req.user(), req.param("id"));
    byte[] thumb =
        uploads.thumbnail(u).orElseThrow(() -> ApiError.notFound("no thumbnail for this file"));
    return Response.bytes(200, thumb, "image/png", headers("thumbnail-" + u.name() + ".png", true));
  }

  private static Map<String, String> headers(String name, boolean inline) {
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
    return Map.of(
        "Content-Disposition",
            (inline ? "inline" : "attachment")
                + "; filename=\""
                + ascii
                + "\"; filename*=UTF-8''"
                + encoded,
        "Content-Security-Policy",
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        "Cache-Control", "private, max-age=3600");
  }
}
