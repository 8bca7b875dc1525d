package dev.banter.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
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
  /** Whom the clients of a listener may believe: on the server channel, one for all its clients. */
  private static final AttributeKey<TrustedProxies> PROXIES =
      AttributeKey.valueOf("banter.trusted-proxies");

  /**
   * The client a PROXY protocol header named for a connection; only such connections carry one, so
   * an ordinary connection costs nothing here (its socket peer is read when asked).
   */
  private static final AttributeKey<InetAddress> NAMED =
      AttributeKey.valueOf("banter.proxy-named-client");

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

  /** The clients of the listener {@code b} binds may believe {@code proxies}. */
  static void trust(ServerBootstrap b, TrustedProxies proxies) {
    b.attr(PROXIES, proxies);
  }

  /** A PROXY protocol header on {@code ch} named {@code address} as its client. */
  static void named(Channel ch, InetAddress address) {
    ch.attr(NAMED).set(normalized(address));
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
    Channel server = ch.parent();
    TrustedProxies proxies = server == null ? null : server.attr(PROXIES).get();
    InetAddress named = ch.hasAttr(NAMED) ? ch.attr(NAMED).get() : null;
    InetAddress address =
        named != null
            ? named
            : ch.remoteAddress() instanceof InetSocketAddress a ? normalized(a.getAddress()) : null;
    // a channel the server did not set up: only its socket counts
    return new Connection(address, proxies == null ? TrustedProxies.NONE : proxies);
  }

  /**
   * An IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 peer) is that IPv4 address.
   */
  private static InetAddress normalized(InetAddress a) {
    if (!(a instanceof Inet6Address v6) || !isIpv4Mapped(v6.getAddress())) {
      return a; // as the socket gave it: nothing allocated per connection
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(v6.getAddress(), 12, 16));
    } catch (UnknownHostException e) {
      return a;
    }
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }
}
