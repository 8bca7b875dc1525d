package dev.banter.http;

import dev.banter.config.AddressRange;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.List;

/**
 * {@code BANTER_TRUSTED_PROXIES}: who may name the client of a request. A request's hops are walked
 * from the right (the proxy nearest us) while each hop is a trusted proxy; the client is the
 * right-most address that is not, so whatever a client writes into the headers itself (which lands
 * on the left) is never believed. Where a hop cannot be read the walk stops at the trusted proxy
 * that wrote it.
 */
final class TrustedProxies {
  static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<AddressRange> ranges;

  TrustedProxies(List<AddressRange> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  boolean trusts(InetAddress address) {
    if (address == null) {
      return false;
    }
    for (AddressRange r : ranges) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The client of a request that arrived over a connection from {@code connection}. */
  ClientAddress resolve(InetAddress connection, HttpHeaders headers) {
    if (!trusts(connection)) {
      return new ClientAddress(
          connection, false, connection != null && connection.isLoopbackAddress());
    }
    List<ForwardedHeaders.Hop> hops = ForwardedHeaders.hops(headers);
    InetAddress client = connection;
    String proto = ForwardedHeaders.proto(headers);
    for (int i = hops.size() - 1; i >= 0 && trusts(client); i--) {
      ForwardedHeaders.Hop hop = hops.get(i);
      if (hop.address() == null) {
        break;
      }
      client = hop.address();
      if (hop.proto() != null) {
        proto = hop.proto(); // Forwarded: the scheme of the hop that names the client
      }
    }
    return new ClientAddress(client, "https".equals(proto), client.equals(connection));
  }
}
