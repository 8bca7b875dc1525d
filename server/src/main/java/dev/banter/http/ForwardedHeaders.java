package dev.banter.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hops a request names in {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For}, from the
 * client's side (left) to ours (right). Read leniently, trusted never: which of them counts is
 * {@link TrustedProxies}' call. A value that is not an IP address ({@code unknown}, an obfuscated
 * {@code _name}, a host name, garbage) is a hop whose address is null.
 */
final class ForwardedHeaders {
  private static final Pattern PORT = Pattern.compile(":(\\d{1,5})");

  /** One hop: who connected to a proxy, and over which scheme (null when not said). */
  record Hop(InetAddress address, String proto) {}

  private ForwardedHeaders() {}

  /**
   * The chain of hops. When both headers are present they must name the same addresses, or neither
   * counts: a proxy that maintains one of them passes the other through from the client unchanged,
   * and nothing tells which one the proxy wrote.
   */
  static List<Hop> hops(HttpHeaders headers) {
    List<Hop> forwarded = forwarded(joined(headers, "Forwarded"));
    List<Hop> xff = forwardedFor(joined(headers, "X-Forwarded-For"));
    if (forwarded.isEmpty() || xff.isEmpty()) {
      return forwarded.isEmpty() ? xff : forwarded;
    }
    return forwarded.stream()
            .map(Hop::address)
            .toList()
            .equals(xff.stream().map(Hop::address).toList())
        ? forwarded
        : List.of();
  }

  /** {@code X-Forwarded-Proto}: its first value, lower-cased; null when absent. */
  static String proto(HttpHeaders headers) {
    String value = headers.get("X-Forwarded-Proto");
    if (value == null) {
      return null;
    }
    int comma = value.indexOf(',');
    return (comma < 0 ? value : value.substring(0, comma)).strip().toLowerCase(Locale.ROOT);
  }

  /** Several header lines of one name are one comma list (RFC 9110 §5.3). */
  private static String joined(HttpHeaders headers, String name) {
    List<String> all = headers.getAll(name);
    return all.isEmpty() ? null : String.join(",", all);
  }

  private static List<Hop> forwardedFor(String value) {
    List<Hop> hops = new ArrayList<>();
    if (value != null) {
      for (String node : value.split(",", -1)) {
        hops.add(new Hop(address(node), null));
      }
    }
    return hops;
  }

  /**
   * {@code for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711"}; an element without for= is
   * an unknown hop.
   */
  private static List<Hop> forwarded(String value) {
    List<Hop> hops = new ArrayList<>();
    if (value == null) {
      return hops;
    }
    for (String element : value.split(",", -1)) {
      InetAddress address = null;
      String proto = null;
      for (String pair : element.split(";")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? "" : pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String v = eq < 0 ? "" : unquoted(pair.substring(eq + 1).strip());
        if (key.equals("for")) {
          address = address(v);
        } else if (key.equals("proto")) {
          proto = v.toLowerCase(Locale.ROOT);
        }
      }
      hops.add(new Hop(address, proto));
    }
    return hops;
  }

  /**
   * An IPv4 or IPv6 literal, with or without a port ({@code 192.0.2.1:80}, {@code
   * [2001:db8::1]:80}); else null.
   */
  static InetAddress address(String node) {
    String s = unquoted(node.strip());
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      if (end < 0 || !(end == s.length() - 1 || isPort(s.substring(end + 1)))) {
        return null;
      }
      s = s.substring(1, end);
      if (s.indexOf(':') < 0) {
        return null; // brackets hold IPv6 only
      }
    } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) { // IPv4 with a port
      if (!isPort(s.substring(s.indexOf(':')))) {
        return null;
      }
      s = s.substring(0, s.indexOf(':'));
      if (s.indexOf('.') < 0) {
        return null;
      }
    }
    return s.isEmpty() || s.contains("%") ? null : NetUtil.createInetAddressFromIpAddressString(s);
  }

  /** {@code :1} to {@code :65535}. */
  private static boolean isPort(String s) {
    Matcher m = PORT.matcher(s);
    return m.matches() && Integer.parseInt(m.group(1)) <= 65_535;
  }

  private static String unquoted(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }
}
