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
