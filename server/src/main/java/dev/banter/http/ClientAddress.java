package dev.banter.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * The client address of a connection, resolved once and kept on the channel: what the per-address
 * limits (connections, rate limits) are keyed by and what the access log shows. The one place to
 * change when addresses come from a trusted proxy instead of the socket.
 */
final class ClientAddress {
  private static final AttributeKey<String> KEY = AttributeKey.valueOf("banter.client-address");

  private ClientAddress() {}

  static String of(Channel channel) {
    String known = channel.attr(KEY).get();
    if (known != null) {
      return known;
    }
    String resolved = channel.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() : "unknown";
    String raced = channel.attr(KEY).setIfAbsent(resolved);
    return raced != null ? raced : resolved;
  }
}
