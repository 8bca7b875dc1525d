package dev.banter.uploads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An upload over a bare socket, to do what a well-behaved client never does: stop halfway, fall
 * silent, or send a chunked body that never ends.
 */
final class RawUpload implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final boolean chunked;

  /** A reply read off the socket. */
  record Answer(int status, JsonNode json) {
    String errorCode() {
      return json == null ? null : json.path("error").path("code").asText(null);
    }
  }

  /**
   * Sends the request line and headers, then the multipart headers of the file part. With {@code
   * contentLength} null the body is chunked (Transfer-Encoding: chunked, no length).
   */
  RawUpload(int port, String token, Long contentLength) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(15_000);
      out = socket.getOutputStream();
      in = socket.getInputStream();
      chunked = contentLength == null;
      String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + contentLength;
      out.write(
          ("POST /api/v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + token
                  + "\r\nContent-Type: multipart/form-data; boundary="
                  + Multipart.BOUNDARY
                  + "\r\n"
                  + framing
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      send(Multipart.preamble("raw.bin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends part of the body (as one chunk when chunked). */
  void send(byte[] bytes) throws IOException {
    if (chunked) {
      out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    } else {
      out.write(bytes);
    }
    out.flush();
  }

  /** Reads one response: status line, headers, and a body of Content-Length bytes. */
  Answer read() throws IOException {
    String status = line();
    int length = 0;
    for (String h = line(); !h.isEmpty(); h = line()) {
      if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(h.substring(15).strip());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Answer(
        Integer.parseInt(status.split(" ")[1]), body.length == 0 ? null : JSON.readTree(body));
  }

  /**
   * True when the server has closed the connection (end of stream or reset) within the read
   * timeout.
   */
  boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketException e) {
      return true; // reset: closed with bytes of ours still unread
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c == -1) {
        throw new IOException("connection closed after " + b);
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
