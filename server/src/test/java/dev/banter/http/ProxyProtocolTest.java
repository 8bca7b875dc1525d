package dev.banter.http;

import static dev.banter.http.TrustedProxiesTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.banter.support.Backend;
import dev.banter.support.RawHttp;
import dev.banter.support.TestServer;
import io.netty.util.NetUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * BANTER_PROXY_PROTOCOL: a trusted TCP load balancer (127.0.0.1 here) names each connection's
 * client in a v1 or v2 header before the first request, and every per-address limit counts that
 * client; anyone else's header is an ordinary malformed request. The headers are written by hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyProtocolTest {
  private static final int BUDGET = 3;
  private static final int CONNECTIONS = 2;
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
  TestServer server;

  @BeforeAll
  void start() {
    server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_PROXY_PROTOCOL",
                "true",
                "BANTER_TRUSTED_PROXIES",
                "127.0.0.1",
                "BANTER_HTTP_RATE",
                String.valueOf(BUDGET),
                "BANTER_HTTP_CONNECTIONS_PER_IP",
                String.valueOf(CONNECTIONS),
                "BANTER_HTTP_HEADER_TIMEOUT",
                HEADER_TIMEOUT.toSeconds() + "s"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aVersion1HeaderFromATrustedProxyNamesTheClient() throws Exception {
    try (RawHttp c = RawHttp.connect("127.0.0.1", server.port(), 0)) {
      c.send(v1("203.0.113.1"));
      for (int i = 0; i < BUDGET; i++) {
        c.send(request("GET", "/ready"));
        assertThat(c.read().status()).isEqualTo(200);
      }
      c.send(request("GET", "/ready"));
      assertThat(c.read().status()).isEqualTo(429);
    }
    assertThat(readyVia(v1("203.0.113.2"))).isEqualTo(200);
    assertThat(readyVia(v1("203.0.113.1")))
        .as("the budget is the client's, not the connection's")
        .isEqualTo(429);
  }

  @Test
  void aVersion2HeaderFromATrustedProxyNamesTheClientAndIpv6IsCountedPerSlash64() throws Exception {
    for (int i = 1; i <= BUDGET; i++) {
      assertThat(readyVia(v2("2001:db8:7:7::" + i))).isEqualTo(200);
    }
    assertThat(readyVia(v2("2001:db8:7:7:ffff::1"))).isEqualTo(429);
    assertThat(readyVia(v2("2001:db8:7:8::1"))).isEqualTo(200);
  }

  @Test
  void aLocalHeaderIsTheProxysOwnHealthCheck() throws Exception {
    try (RawHttp c = RawHttp.connect("127.0.0.1", server.port(), 0)) {
      c.send(v2Local());
      c.send(request("GET", "/health"));
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void anUntrustedPeersHeaderIsAMalformedRequest() throws Exception {
    for (byte[] header : List.of(v1("203.0.113.10"), v2("2001:db8:10::1"))) {
      try (RawHttp c = RawHttp.connect("127.0.0.2", server.port(), 0)) {
        c.send(header);
        c.send(request("GET", "/ready"));
        assertThat(c.read().status()).isEqualTo(400);
        assertThat(c.closedByServer(Duration.ofSeconds(3))).isTrue();
      }
    }
    try (RawHttp c =
        RawHttp.connect("127.0.0.2", server.port(), 0)) { // served as itself, without a header
      c.send(request("GET", "/ready"));
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void aTrustedProxyMustSendTheHeaderFirst() throws Exception {
    try (RawHttp c = RawHttp.connect("127.0.0.1", server.port(), 0)) {
      c.send(request("GET", "/ready"));
      assertThatThrownBy(c::read).as("closed without an answer").isInstanceOf(IOException.class);
    }
    try (RawHttp silent = RawHttp.connect("127.0.0.1", server.port(), 0)) {
      assertThat(silent.closedByServer(HEADER_TIMEOUT.multipliedBy(3))).isTrue();
    }
  }

  @Test
  void theConnectionCapCountsTheNamedClient() throws Exception {
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < CONNECTIONS; i++) {
        assertThat(healthVia(open, v1("203.0.113.20"))).isEqualTo(200);
      }
      assertThat(healthVia(open, v1("203.0.113.20"))).isEqualTo(503);
      assertThat(healthVia(open, v1("203.0.113.21"))).isEqualTo(200);
    } finally {
      for (RawHttp c : open) {
        c.close();
      }
    }
  }

  // ---- plumbing ----

  private int readyVia(byte[] header) throws IOException {
    try (RawHttp c = RawHttp.connect("127.0.0.1", server.port(), 0)) {
      c.send(header);
      c.send(request("GET", "/ready"));
      return c.read().status();
    }
  }

  private int healthVia(List<RawHttp> open, byte[] header) throws IOException {
    RawHttp c = RawHttp.connect("127.0.0.1", server.port(), 0);
    open.add(c);
    c.send(header);
    c.send(request("GET", "/health"));
    return c.read().status();
  }

  private byte[] v1(String source) {
    return ("PROXY TCP4 " + source + " 127.0.0.1 40000 " + server.port() + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The binary header: signature, version 2 + PROXY, TCP over IPv6, addresses and ports. */
  private byte[] v2(String source) {
    ByteBuffer addresses = ByteBuffer.allocate(36);
    addresses.put(NetUtil.createByteArrayFromIpAddressString(source));
    addresses.put(NetUtil.createByteArrayFromIpAddressString("::1"));
    addresses.putShort((short) 40000).putShort((short) server.port());
    return v2(0x21, 0x21, addresses.array());
  }

  private static byte[] v2Local() {
    return v2(0x20, 0x00, new byte[0]);
  }

  private static byte[] v2(int versionCommand, int familyProtocol, byte[] addresses) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(
        new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    b.write(versionCommand);
    b.write(familyProtocol);
    b.write(addresses.length >> 8);
    b.write(addresses.length & 0xff);
    b.writeBytes(addresses);
    return b.toByteArray();
  }
}
