package dev.banter.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One entry of {@code BANTER_TRUSTED_PROXIES}: an IPv4 or IPv6 address, or a CIDR block of them
 * ({@code 10.0.0.0/8}, {@code fd00::/8}). Only literal addresses: a host name would need a DNS
 * lookup that could change what is trusted behind the operator's back.
 */
public record AddressRange(InetAddress network, int prefixLength, String literal) {
  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");

  /** With a colon, {@link InetAddress#getByName} parses an IPv6 literal and never asks DNS. */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

  /**
   * Parses {@code 192.0.2.7}, {@code 192.0.2.0/24}, {@code 2001:db8::1} or {@code 2001:db8::/32}.
   */
  public static AddressRange parse(String text) {
    int slash = text.indexOf('/');
    String literal = slash < 0 ? text : text.substring(0, slash);
    InetAddress address = address(literal);
    if (address == null) {
      throw new IllegalArgumentException("not an IP address or CIDR block: " + text);
    }
    int bits = address.getAddress().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException(
            "the prefix of " + text + " must be between 0 and " + bits);
      }
    }
    return new AddressRange(address, prefix, literal);
  }

  /**
   * An IP literal, or null. Plain JDK on purpose: configuration is read before logging is set up,
   * and Netty's address helpers log from their static initialiser, which would set it up too early.
   */
  private static InetAddress address(String literal) {
    if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Whether {@code address} lies in this range (an IPv4 address never lies in an IPv6 range). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    int whole = prefixLength / 8;
    for (int i = 0; i < whole; i++) {
      if (a[i] != n[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    int mask = (0xff << (8 - rest)) & 0xff;
    return rest == 0 || (a[whole] & mask) == (n[whole] & mask);
  }

  @Override
  public String toString() {
    return literal + "/" + prefixLength;
  }
}
