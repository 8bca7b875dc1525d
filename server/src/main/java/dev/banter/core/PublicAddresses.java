package dev.banter.core;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * The private-address rule for requests the server makes on a user's behalf (Web Push endpoints,
 * outgoing webhooks, SPEC §8 and §10): a URL whose host resolves to a loopback, private,
 * link-local, unique-local, carrier-grade NAT, multicast or unspecified address is refused, unless
 * BANTER_WEBHOOK_ALLOW_PRIVATE is set (tests, or a push service inside the operator's network).
 * Otherwise a user could make the server call its own admin ports or the cloud's metadata address.
 * Checked when the URL is given and again before each request, since DNS can change.
 */
public final class PublicAddresses {
  private final boolean allowPrivate;

  public PublicAddresses(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /** Whether private addresses (and plain http) are allowed: BANTER_WEBHOOK_ALLOW_PRIVATE. */
  public boolean allowPrivate() {
    return allowPrivate;
  }

  /**
   * Why a request to {@code url} must not be made, or empty when it may: the host is missing, does
   * not resolve, or one of its addresses is not public. Blocking (a DNS lookup).
   */
  public Optional<String> refusal(URI url) {
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      return Optional.of("the URL has no host");
    }
    if (allowPrivate) {
      return Optional.empty();
    }
    Blocking.check("DNS lookup");
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return Optional.of("the host " + host + " does not resolve");
    }
    for (InetAddress a : addresses) {
      if (!isPublic(a)) {
        return Optional.of("the host " + host.toLowerCase(Locale.ROOT) + " has a private address");
      }
    }
    return Optional.empty();
  }

  /** Whether {@code a} is an address of the public internet. */
  public static boolean isPublic(InetAddress a) {
    if (a.isAnyLocalAddress()
        || a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return isPublicV4(b);
    }
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) { // fc00::/7 unique local
        return false;
      }
      if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) { // fec0::/10 old site-local
        return false;
      }
      if (embedsV4(b)) { // ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d
        return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) { // 2002::/16 6to4 wraps any v4
        return isPublicV4(new byte[] {b[2], b[3], b[4], b[5]});
      }
      // 2001::/32 Teredo tunnels to any address
      return !((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0);
    }
    return false;
  }

  private static boolean embedsV4(byte[] b) {
    boolean zeros = true;
    for (int i = 0; i < 10; i++) {
      zeros &= b[i] == 0;
    }
    boolean mapped = zeros && ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff);
    boolean compatible = zeros && b[10] == 0 && b[11] == 0;
    boolean nat64 =
        (b[0] & 0xff) == 0x00
            && (b[1] & 0xff) == 0x64
            && (b[2] & 0xff) == 0xff
            && (b[3] & 0xff) == 0x9b;
    return mapped || compatible || nat64;
  }

  private static boolean isPublicV4(byte[] b) {
    int o0 = b[0] & 0xff;
    int o1 = b[1] & 0xff;
    return !(o0 == 0 // this network
        || o0 == 10
        || o0 == 127
        || (o0 == 100 && (o1 & 0xc0) == 64) // 100.64.0.0/10 carrier-grade NAT
        || (o0 == 169 && o1 == 254)
        || (o0 == 172 && (o1 & 0xf0) == 16)
        || (o0 == 192 && o1 == 168)
        || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0) // 192.0.0.0/24 protocol assignments
        || (o0 == 198 && (o1 & 0xfe) == 18) // 198.18.0.0/15 benchmarking
        || o0 >= 224); // multicast, reserved, broadcast
  }
}
