package dev.banter.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client, for requests no polite client sends: any bytes in the target and the body
 * (invalid percent-escapes, invalid UTF-8). Each request has a connection of its own, so a
 * connection the server drops is blamed on the request that made it drop it.
 */
public final class FuzzHttp implements AutoCloseable {
  private final int port;
  private Socket socket;
  private DataInputStream in;
  private OutputStream out;

  /** An answer: status, headers (names lower-case) and body. */
  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public FuzzHttp(int port) {
    this.port = port;
  }

  /** Sends one request; {@code target} is written as it is (path and query). */
  public Reply send(String method, String target, Map<String, String> headers, byte[] body) {
    try {
      if (socket == null) {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
      }
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      StringBuilder head =
          new StringBuilder(method)
              .append(' ')
              .append(target)
              .append(" HTTP/1.1\r\n")
              .append("Host: 127.0.0.1:")
              .append(port)
              .append("\r\n")
              .append("Content-Length: ")
              .append(body.length)
              .append("\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      req.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      req.write(body);
      out.write(req.toByteArray());
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException("no answer to " + method + " " + target, e);
    } finally {
      close();
    }
  }

  private Reply read() throws IOException {
    String status = line();
    String[] parts = status.split(" ", 3);
    if (parts.length < 2) {
      throw new EOFException("no status line: '" + status + "'");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(
          h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    byte[] body;
    String length = headers.get("content-length");
    int code = Integer.parseInt(parts[1]);
    if (code == 204 || code == 304) {
      body = new byte[0]; // no body, and no Content-Length either (Netty drops it, RFC 9110 §8.6)
    } else if (length != null) {
      body = new byte[Integer.parseInt(length)];
      in.readFully(body);
    } else {
      body = in.readAllBytes();
      headers.put("connection", "close");
    }
    return new Reply(code, headers, body);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    InputStream s = in;
    int c;
    while ((c = s.read()) != '\n') {
      if (c == -1) {
        throw new EOFException("connection closed mid-answer");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
    }
  }
}
