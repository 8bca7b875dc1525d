package dev.banter.ops;

import dev.banter.core.ApiError;
import dev.banter.http.Request;
import dev.banter.http.Response;
import dev.banter.http.Routes;
import dev.banter.http.StaticFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The API documents of SPEC §6, served from the jar: {@code /openapi.yaml} (REST), {@code
 * /asyncapi.yaml} (WebSocket) and Swagger UI at {@code /docs}.
 */
public final class ApiDocsRoutes {
  static final String YAML = "application/yaml; charset=utf-8";

  /**
   * Only this server's scripts, styles and requests; no inline script and no inline style (Swagger
   * UI renders without {@code 'unsafe-inline'}: checked in headless Chromium with the operations,
   * examples and models expanded, no violation reported). {@code img-src data:} is for the icons
   * Swagger UI's stylesheet embeds as data URLs.
   */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; "
          + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
          + "form-action 'none'; frame-ancestors 'none'";

  /**
   * The files of the Swagger UI webjar that {@code /docs} loads; anything else under /docs is 404.
   */
  static final Set<String> SWAGGER_FILES =
      Set.of(
          "swagger-ui.css",
          "swagger-ui-bundle.js",
          "index.css",
          "favicon-16x16.png",
          "favicon-32x32.png");

  /** Files of our own next to the page. */
  static final Set<String> OWN_FILES = Set.of("init.js");

  private final StaticFiles documents = new StaticFiles("/api");
  private final StaticFiles swaggerUi = new StaticFiles(swaggerUiRoot(), SWAGGER_FILES);

  public void mount(Routes r) {
    r.get("/openapi.yaml", req -> send(req, documents, "/openapi.yaml", YAML, Map.of()))
        .open()
        .unlimited();
    r.get("/asyncapi.yaml", req -> send(req, documents, "/asyncapi.yaml", YAML, Map.of()))
        .open()
        .unlimited();
    r.get(
            "/docs",
            req ->
                send(
                    req,
                    documents,
                    "/docs/index.html",
                    null,
                    Map.of("Content-Security-Policy", CSP, "X-Frame-Options", "DENY")))
        .open()
        .unlimited();
    r.get("/docs/{file}", this::file).open().unlimited();
  }

  private Object file(Request req) {
    String name = req.param("file");
    if (SWAGGER_FILES.contains(name)) {
      return send(req, swaggerUi, "/" + name, null, Map.of());
    }
    if (OWN_FILES.contains(name)) {
      return send(req, documents, "/docs/" + name, null, Map.of());
    }
    throw ApiError.notFound("no such file: /docs/" + name);
  }

  /** The file with an ETag ({@code no-cache}: revalidated each time, 304 when unchanged). */
  private static Response send(
      Request req,
      StaticFiles root,
      String path,
      String contentType,
      Map<String, String> extraHeaders) {
    StaticFiles.File f =
        root.find(path)
            .orElseThrow(() -> new IllegalStateException("missing from the jar: " + path));
    Map<String, String> headers = new HashMap<>(extraHeaders);
    headers.put("ETag", f.etag());
    headers.put("Cache-Control", "no-cache");
    headers.put("Referrer-Policy", "no-referrer");
    if (f.etag().equals(req.header("If-None-Match").orElse(null))) {
      return Response.bytes(304, new byte[0], null, headers);
    }
    return Response.bytes(
        200, f.bytes(), contentType != null ? contentType : f.contentType(), headers);
  }

  /** Where the Swagger UI webjar keeps its files; its version is read from the webjar itself. */
  static String swaggerUiRoot() {
    try (InputStream in =
        ApiDocsRoutes.class.getResourceAsStream(
            "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the Swagger UI webjar is not on the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return "/META-INF/resources/webjars/swagger-ui/" + p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
