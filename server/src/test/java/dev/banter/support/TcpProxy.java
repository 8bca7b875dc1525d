package dev.banter.support;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on 127.0.0.1 between one client (a node) and a server (Redis), so a test can stall or
 * cut that one link while everything else keeps working. Black-holed, it still accepts and reads
 * but forwards nothing either way: the bytes wait (the chunk read, then the kernel's buffers) until
 * {@link #restore} sends them on, or until {@link #cut} or {@link #close} drops them.
 */
public final class TcpProxy implements AutoCloseable {
  private static final CountDownLatch OPEN = new CountDownLatch(0);

  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();

  /** Every pump waits on this before forwarding a chunk: open, or closed while black-holed. */
  private volatile CountDownLatch gate = OPEN;

  /** One proxied connection: the client's socket and ours to the target. */
  private record Link(Socket client, Socket target, AtomicBoolean cut) {
    void close() {
      cut.set(true);
      closeQuietly(client);
      closeQuietly(target);
    }
  }

  private TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("tcp-proxy-accept").start(this::accept);
  }

  /** A proxy listening on a free port of 127.0.0.1, forwarding to {@code host:port}. */
  public static TcpProxy to(String host, int port) {
    try {
      return new TcpProxy(host, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** From now on nothing is forwarded, on open connections or new ones; what arrives is held. */
  public void blackHole() {
    if (gate == OPEN) {
      gate = new CountDownLatch(1);
    }
  }

  /** Forwards again, what was held first. */
  public void restore() {
    CountDownLatch held = gate;
    gate = OPEN;
    held.countDown();
  }

  /** Closes every open connection (what they held is dropped); new ones are accepted as before. */
  public void cut() {
    links.forEach(Link::close);
    links.clear();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket target = new Socket(targetHost, targetPort);
        Link link = new Link(client, target, new AtomicBoolean());
        links.add(link);
        Thread.ofVirtual().name("tcp-proxy-up").start(() -> pump(link, client, target));
        Thread.ofVirtual().name("tcp-proxy-down").start(() -> pump(link, target, client));
      } catch (IOException e) {
        closeQuietly(
            client); // the target is down: the client sees a closed connection, as it would
      }
    }
  }

  private void pump(Link link, Socket from, Socket to) {
    byte[] chunk = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(chunk)) >= 0) {
        gate.await();
        if (link.cut().get()) {
          return;
        }
        out.write(chunk, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: the link ends
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      link.close();
      links.remove(link);
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Stops listening and drops every connection with what it held. */
  @Override
  public void close() {
    closeQuietly(listener);
    cut();
    restore(); // wakes the pumps waiting at the gate: their links are cut, so they forward nothing
  }
}
