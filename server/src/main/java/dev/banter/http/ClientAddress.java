package dev.banter.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Who a request comes from: the one answer every per-address limit (rate limits, connection caps,
 * the WebSocket cap, uploads), the access log and session records use. It is the TCP peer, unless
 * that peer is a trusted proxy ({@link TrustedProxies}), which may name the client in a PROXY
 * protocol header for the whole connection and in {@code Forwarded} / {@code X-Forwarded-*} headers
 * per request.
 */
public final class ClientAddress {
  private static final AttributeKey<Connection> CONNECTION =
      AttributeKey.valueOf("banter.connection-address");

  /**
   * IPv6 clients get a /64 each (a typical subscriber's share), so budgets are per /64, not per
   * address.
   */
  private static final int IPV6_LIMIT_PREFIX_BYTES = 8;

  /** Where a connection comes from (its socket, or its PROXY header) and whom it may believe. */
  private record Connection(InetAddress address, TrustedProxies proxies) {}

  private final InetAddress address;
  private final boolean https;
  private final boolean inside;

  ClientAddress(InetAddress address, boolean https, boolean inside) {
    this.address = address;
    this.https = https;
    this.inside = inside;
  }

  /**
   * The address as logs show it ({@code 192.0.2.7}, {@code 2001:db8::7}); {@code unknown} without
   * one.
   */
  public String ip() {
    return address == null ? "unknown" : NetUtil.toAddressString(address);
  }

  /** What per-address limits count by: an IPv4 address, or the /64 an IPv6 address is in. */
  public String limitKey() {
    if (address == null || address.getAddress().length == 4) {
      return ip();
    }
    byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(prefix, IPV6_LIMIT_PREFIX_BYTES, 16, (byte) 0);
    try {
      return NetUtil.toAddressString(InetAddress.getByAddress(prefix)) + "/64";
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 16 bytes is always an address
    }
  }

  InetAddress address() {
    return address;
  }

  /**
   * Whether the request comes from inside: the connection's own peer (its socket's, or the one a
   * trusted balancer's PROXY header names) is a loopback address or a trusted proxy, and the
   * request speaks for that peer — no forwarding header names anyone else. A loopback client named
   * by a forwarding header does not count: the peer decides, not what a proxy passed on. What the
   * main port's {@code /metrics} asks (SPEC §11).
   */
  public boolean inside() {
    return inside;
  }

  /** True when a trusted proxy says the client spoke HTTPS to it. */
  public boolean forwardedHttps() {
    return https;
  }

  /**
   * Sets where {@code ch} comes from: its socket peer, or {@code address} when a PROXY header named
   * one.
   */
  static void attach(Channel ch, TrustedProxies proxies, InetAddress address) {
    InetAddress peer =
        address != null
            ? address
            : ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    ch.attr(CONNECTION).set(new Connection(normalized(peer), proxies));
  }

  /**
   * The connection's own client: its socket peer or what its PROXY header said, before any request.
   */
  static ClientAddress of(Channel ch) {
    Connection c = connection(ch);
    return new ClientAddress(c.address(), false, false);
  }

  /**
   * The client of one request on {@code ch}: a trusted proxy's headers count, anyone else's do not.
   */
  public static ClientAddress of(Channel ch, HttpHeaders headers) {
    Connection c = connection(ch);
    return c.proxies().resolve(c.address(), headers);
  }

  /** Whether the connection itself comes from a trusted proxy (and so carries many clients). */
  static boolean fromTrustedProxy(Channel ch) {
    Connection c = connection(ch);
    return c.proxies().trusts(c.address());
  }

  private static Connection connection(Channel ch) {
    Connection c = ch.attr(CONNECTION).get();
    if (c == null) { // a channel the server did not set up: only its socket counts
      attach(ch, TrustedProxies.NONE, null);
      c = ch.attr(CONNECTION).get();
    }
    return c;
  }

  /**
   * An IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 peer) is that IPv4 address.
   */
  private static InetAddress normalized(InetAddress a) {
    try {
      return a == null ? null : InetAddress.getByAddress(a.getAddress());
    } catch (UnknownHostException e) {
      return a;
    }
  }
}
