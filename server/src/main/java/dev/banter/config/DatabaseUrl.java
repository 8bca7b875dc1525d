package dev.banter.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL location given as {@code postgresql://user:pass@host:port/db} or as a {@code
 * jdbc:postgresql:} URL, turned into what JDBC needs. The password never leaves it in {@link
 * #redacted()} or {@link #toString()}.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

  public static DatabaseUrl parse(String raw) {
    String text = raw.strip();
    if (text.startsWith("jdbc:postgresql:")) {
      URI uri = uri(text.substring("jdbc:".length()));
      if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
        throw new IllegalArgumentException("expected jdbc:postgresql://host[:port]/database");
      }
      return new DatabaseUrl(text, null, null);
    }
    if (!text.startsWith("postgresql://") && !text.startsWith("postgres://")) {
      throw new IllegalArgumentException(
          "expected postgresql://user:pass@host:port/db or a jdbc:postgresql: URL");
    }
    URI uri = uri(text);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("missing host");
    }
    String path = uri.getRawPath();
    if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
      throw new IllegalArgumentException("missing database name");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String jdbc =
        "jdbc:postgresql://"
            + uri.getHost()
            + ":"
            + port
            + path
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new DatabaseUrl(jdbc, user, password);
  }

  private static URI uri(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL (" + e.getReason() + ")");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** The URL with any password replaced, for logs. */
  public String redacted() {
    return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1****")
        + (user == null ? "" : " as " + user);
  }

  @Override
  public String toString() {
    return redacted();
  }
}
