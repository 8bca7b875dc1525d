package dev.banter.uploads;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The content type of a file from its first bytes (magic numbers), never from the client's claim or
 * the file name. Unknown binary is {@code application/octet-stream}; valid UTF-8 without control
 * characters is {@code text/plain}.
 */
final class Sniffer {
  static final int HEAD_BYTES = 512;

  private Sniffer() {}

  static String contentType(byte[] head, int length) {
    byte[] h = Arrays.copyOf(head, length);
    if (starts(h, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (starts(h, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (starts(h, 'G', 'I', 'F', '8')) {
      return "image/gif";
    }
    if (starts(h, 'R', 'I', 'F', 'F')
        && h.length >= 12
        && h[8] == 'W'
        && h[9] == 'E'
        && h[10] == 'B'
        && h[11] == 'P') {
      return "image/webp";
    }
    if (starts(h, '%', 'P', 'D', 'F', '-')) {
      return "application/pdf";
    }
    if (starts(h, 'P', 'K', 3, 4)) {
      return "application/zip";
    }
    if (starts(h, 0x1F, 0x8B)) {
      return "application/gzip";
    }
    if (h.length >= 12 && h[4] == 'f' && h[5] == 't' && h[6] == 'y' && h[7] == 'p') {
      return "video/mp4";
    }
    if (starts(h, 'O', 'g', 'g', 'S')) {
      return "audio/ogg";
    }
    if (looksLikeText(h)) {
      return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
  }

  static boolean isImage(String contentType) {
    return contentType.startsWith("image/");
  }

  private static boolean starts(byte[] h, int... magic) {
    if (h.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((h[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean looksLikeText(byte[] h) {
    for (byte b : h) {
      int c = b & 0xff;
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x0C) {
        return false;
      }
    }
    // a multi-byte character cut at the end of the head is fine; anything else must decode
    var decoder = StandardCharsets.UTF_8.newDecoder();
    try {
      decoder.decode(ByteBuffer.wrap(h, 0, Math.max(0, h.length - 3)));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
