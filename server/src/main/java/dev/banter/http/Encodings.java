package dev.banter.http;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content codings of static files: compressing them once at start, and picking the form a
 * request's {@code Accept-Encoding} (RFC 9110 §12.5.3) allows, Brotli first, then gzip, then none.
 * Brotli comes from brotli4j's native library, shipped for the platforms the jar was built with;
 * where it does not load, files go out gzipped only (logged once).
 */
final class Encodings {
  private static final Logger log = LoggerFactory.getLogger(Encodings.class);

  static final String BR = "br";
  static final String GZIP = "gzip";

  /** Brotli's densest setting: files are compressed once, at start, so its cost does not recur. */
  private static final int BROTLI_QUALITY = 11;

  private static final boolean BROTLI = loadBrotli();

  /** The form chosen for one request: its coding (null: identity), bytes and ETag. */
  record Chosen(String coding, byte[] bytes, String etag) {}

  private Encodings() {}

  private static boolean loadBrotli() {
    try {
      if (Brotli4jLoader.isAvailable()) {
        return true;
      }
      log.info(
          "Brotli is not available here, static files are sent gzipped: {}",
          String.valueOf(Brotli4jLoader.getUnavailabilityCause()));
    } catch (LinkageError e) {
      log.info("Brotli is not available here, static files are sent gzipped: {}", e.toString());
    }
    return false;
  }

  /** Whether Brotli forms are made (the native library loaded). */
  static boolean brotliAvailable() {
    return BROTLI;
  }

  /** {@code bytes} as Brotli, or null where Brotli is not available. */
  static byte[] brotli(byte[] bytes) {
    if (!BROTLI) {
      return null;
    }
    try {
      return Encoder.compress(bytes, new Encoder.Parameters().setQuality(BROTLI_QUALITY));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code bytes} gzipped (the default level: 9 saves under 1 % on these files). */
  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The form of {@code f} to send for {@code acceptEncoding} (absent: identity only). */
  static Chosen choose(String acceptEncoding, StaticFiles.File f) {
    if (acceptEncoding != null) {
      double br = f.brotli() == null ? 0 : quality(acceptEncoding, BR);
      double gzip = f.gzip() == null ? 0 : quality(acceptEncoding, GZIP);
      if (br > 0 && br >= gzip) {
        return new Chosen(BR, f.brotli(), tagged(f.etag(), "br"));
      }
      if (gzip > 0) {
        return new Chosen(GZIP, f.gzip(), tagged(f.etag(), "gz"));
      }
    }
    return new Chosen(null, f.bytes(), f.etag());
  }

  /**
   * The q-value {@code header} gives {@code coding}: its own entry, else {@code *}'s, else 0. A
   * malformed q counts as 0 (refused), never as an error.
   */
  static double quality(String header, String coding) {
    double star = 0;
    for (String part : header.split(",", 32)) {
      String[] fields = part.split(";", 4);
      String name = fields[0].strip().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < fields.length; i++) {
        String param = fields[i].strip();
        if (param.length() > 2
            && (param.charAt(0) == 'q' || param.charAt(0) == 'Q')
            && param.charAt(1) == '=') {
          q = parseQ(param.substring(2));
        }
      }
      if (name.equals(coding)) {
        return q;
      }
      if (name.equals("*")) {
        star = q;
      }
    }
    return star;
  }

  private static double parseQ(String raw) {
    if (raw.length() > 5) {
      return 0;
    }
    try {
      double q = Double.parseDouble(raw);
      return q >= 0 && q <= 1 ? q : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A strong ETag {@code "x"} as {@code "x-suffix"}. */
  private static String tagged(String etag, String suffix) {
    return etag.substring(0, etag.length() - 1) + "-" + suffix + "\"";
  }

  /** Whether an {@code If-None-Match} header names {@code etag} (or is {@code *}). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",", 64)) {
      String c = candidate.strip();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(etag) || c.equals("*")) {
        return true;
      }
    }
    return false;
  }
}
