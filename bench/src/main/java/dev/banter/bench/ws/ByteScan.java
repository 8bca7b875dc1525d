package dev.banter.bench.ws;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Cheap scans of a frame's UTF-8 bytes, so the receive path needs no JSON tree and no String. */
public final class ByteScan {
  /** The type markers of the server frames the bench looks for, as {@link #hasType} takes them. */
  public static final byte[] NEW_MESSAGE = bytes("\"type\":\"new_message\"");

  public static final byte[] ACK = bytes("\"type\":\"ack\"");
  public static final byte[] ERROR = bytes("\"type\":\"error\"");

  private ByteScan() {}

  /** The bytes of {@code s} in UTF-8, for use as a needle. */
  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The index of {@code needle} in {@code buf} at or after {@code from} (absolute), or -1. */
  public static int indexOf(ByteBuf buf, byte[] needle, int from) {
    int end = buf.writerIndex() - needle.length;
    byte first = needle[0];
    outer:
    for (int i = Math.max(from, buf.readerIndex()); i <= end; i++) {
      if (buf.getByte(i) != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (buf.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * Whether the frame is of the given type: {@code typeMarker} is {@code "type":"<name>"} in bytes.
   */
  public static boolean hasType(ByteBuf buf, byte[] typeMarker) {
    // Banter writes "type" first; look at the start, then anywhere (top-level order is not
    // promised).
    int start = buf.readerIndex() + 1;
    if (matchesAt(buf, TYPE, start)) {
      return matchesAt(buf, typeMarker, start);
    }
    return indexOf(buf, typeMarker, buf.readerIndex()) >= 0;
  }

  private static final byte[] TYPE = bytes("\"type\":\"");

  private static boolean matchesAt(ByteBuf buf, byte[] needle, int at) {
    if (at + needle.length > buf.writerIndex()) {
      return false;
    }
    for (int j = 0; j < needle.length; j++) {
      if (buf.getByte(at + j) != needle[j]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The decimal number starting at {@code at} (absolute index), up to the first non-digit; -1 if
   * none.
   */
  public static long parseLong(ByteBuf buf, int at) {
    long v = 0;
    int i = at;
    for (; i < buf.writerIndex(); i++) {
      byte b = buf.getByte(i);
      if (b < '0' || b > '9') {
        break;
      }
      v = v * 10 + (b - '0');
    }
    return i == at ? -1 : v;
  }
}
