package dev.banter.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client over a socket, for what a polite client never does: pipeline without
 * reading, send half a request and wait, or open far more connections than it needs.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** A response as read: status line, headers (lower-case names) and body. */
  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(15_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public static RawHttp connect(int port) throws IOException {
    return connect(null, port, 0);
  }

  /**
   * A connection from {@code localAddress} (another loopback address such as 127.0.0.2 is another
   * client to the server; null → the default) with a receive buffer of that many bytes (0 → the
   * system's), so that a client that does not read holds little in its kernel.
   */
  public static RawHttp connect(String localAddress, int port, int receiveBuffer)
      throws IOException {
    Socket s = new Socket();
    try {
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      if (localAddress != null) {
        s.bind(new InetSocketAddress(localAddress, 0));
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      return new RawHttp(s);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  public static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }

  public static String get(String path, String bearer) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + bearer
        + "\r\n\r\n";
  }

  public void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.US_ASCII));
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Writes {@code text} {@code times} times from a virtual thread, {@code perBatch} at a time with
   * {@code pause} between batches (a client pipelining at a steady rate, never more than a batch
   * ahead of a server that keeps up); stops quietly when the connection is closed. The caller never
   * reads.
   */
  public Thread pipelineInBackground(String text, int times, int perBatch, Duration pause) {
    byte[] batch = text.repeat(perBatch).getBytes(StandardCharsets.US_ASCII);
    return Thread.ofVirtual()
        .name("raw-http-writer")
        .start(
            () -> {
              try {
                for (int sent = 0; sent < times; sent += perBatch) {
                  out.write(batch);
                  out.flush();
                  Thread.sleep(pause); // the attacker's pace, not a wait for the server
                }
              } catch (IOException | InterruptedException e) {
                // closed by the test or the server: the attack is over
              }
            });
  }

  /** Reads one response: status line, headers, and a body of its Content-Length. */
  public Reply read() throws IOException {
    Reply head = readHead();
    int length = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
    return new Reply(head.status(), head.headers(), in.readNBytes(length));
  }

  /** Reads the status line and headers of a response that has no body (an answer to HEAD). */
  public Reply readHead() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(
          h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
    }
    return new Reply(Integer.parseInt(status.split(" ")[1]), headers, new byte[0]);
  }

  /**
   * True when the server closes (or resets) this connection within {@code within}; bytes before
   * that are skipped.
   */
  public boolean closedByServer(Duration within) throws IOException {
    socket.setSoTimeout((int) Math.max(1, within.toMillis()));
    byte[] skip = new byte[8192];
    try {
      while (in.read(skip) != -1) {
        // whatever the server said before closing
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
