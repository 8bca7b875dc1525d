package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.banter.realtime.WsUpgrade;
import dev.banter.support.Backend;
import dev.banter.support.RawHttp;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * BANTER_PUBLIC_URL behind a proxy that terminates TLS: the web client's page comes from the public
 * origin while the node sees plain HTTP and, often, the proxy's own {@code Host}. With the setting
 * the page's socket is accepted; without it (and without BANTER_ALLOWED_ORIGINS) it is refused 403
 * and the log says once which setting fixes it. 127.0.0.1 is the trusted proxy, 127.0.0.5 an
 * untrusted peer.
 */
class PublicUrlTest {
  private static final String PUBLIC = "https://chat.example.com";
  private static final String HINT = "BANTER_PUBLIC_URL";

  private final List<TestServer> servers = new ArrayList<>();
  private final List<RawHttp> open = new ArrayList<>();
  private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

  @BeforeEach
  void listen() {
    warnings.start();
    wsLog().addAppender(warnings);
  }

  @AfterEach
  void stop() throws IOException {
    wsLog().detachAppender(warnings);
    for (RawHttp c : open) {
      c.close();
    }
    servers.forEach(TestServer::close);
  }

  private static Logger wsLog() {
    return (Logger) LoggerFactory.getLogger(WsUpgrade.class);
  }

  private TestServer start(Map<String, String> env) {
    TestServer s = TestServer.start(Backend.SQLITE, env);
    servers.add(s);
    return s;
  }

  @Test
  void withThePublicUrlThePagesSocketIsAcceptedWhateverHostTheProxySends() throws Exception {
    TestServer s =
        start(Map.of("BANTER_PUBLIC_URL", PUBLIC + "/", "BANTER_TRUSTED_PROXIES", "127.0.0.1"));
    assertThat(upgrade(s, "127.0.0.1", "banter-1:8080", PUBLIC, "X-Forwarded-Proto: https"))
        .isEqualTo(101);
    assertThat(upgrade(s, "127.0.0.1", "banter-1:8080", PUBLIC))
        .as("a proxy that does not say https")
        .isEqualTo(101);
    assertThat(upgrade(s, "127.0.0.5", "chat.example.com", PUBLIC)).isEqualTo(101);
    assertThat(upgrade(s, "127.0.0.1", "banter-1:8080", "https://evil.example")).isEqualTo(403);
    assertThat(upgrade(s, "127.0.0.5", "127.0.0.1:8080", "http://127.0.0.1:8080"))
        .as("the public origin is the one allowed, not whatever the request names")
        .isEqualTo(403);
    assertThat(hints()).as("the operator has set what there is to set").isEmpty();
  }

  @Test
  void withThePublicUrlItsOriginMayCallTheApiCrossOrigin() throws Exception {
    TestServer s = start(Map.of("BANTER_PUBLIC_URL", PUBLIC));
    try (RawHttp c = RawHttp.connect(s.port())) {
      c.send(
          TrustedProxiesTest.request(
              "OPTIONS",
              "/api/v1/rooms",
              "Origin: " + PUBLIC,
              "Access-Control-Request-Method: POST"));
      RawHttp.Reply r = c.read();
      assertThat(r.status()).isEqualTo(204);
      assertThat(r.headers().get("access-control-allow-origin")).isEqualTo(PUBLIC);
    }
  }

  @Test
  void behindATrustedTlsProxyWithItsOwnHostTheRefusalIsExplainedOnce() throws Exception {
    TestServer s = start(Map.of("BANTER_TRUSTED_PROXIES", "127.0.0.1"));
    assertThat(upgrade(s, "127.0.0.5", "127.0.0.1:8080", "https://evil.example")).isEqualTo(403);
    assertThat(hints()).as("a foreign page with no sign of a TLS proxy: nothing to fix").isEmpty();
    assertThat(upgrade(s, "127.0.0.1", "banter-1:8080", PUBLIC, "X-Forwarded-Proto: https"))
        .isEqualTo(403);
    assertThat(upgrade(s, "127.0.0.1", "banter-1:8080", PUBLIC, "X-Forwarded-Proto: https"))
        .isEqualTo(403);
    assertThat(hints())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains(HINT)
                    .contains("BANTER_ALLOWED_ORIGINS")
                    .contains(PUBLIC)
                    .contains("https://banter-1:8080"));
    assertThat(upgrade(s, "127.0.0.1", "chat.example.com", PUBLIC, "X-Forwarded-Proto: https"))
        .as("where the proxy passes the page's Host, no setting is needed")
        .isEqualTo(101);
  }

  @Test
  void behindAProxyThatDoesNotSayHttpsTheRefusalIsExplainedToo() throws Exception {
    TestServer s = start(Map.of());
    // the page is https://chat.example.com, the proxy passes Host but is not trusted to say https
    assertThat(upgrade(s, "127.0.0.5", "chat.example.com", PUBLIC, "X-Forwarded-Proto: https"))
        .isEqualTo(403);
    assertThat(hints())
        .singleElement()
        .asString()
        .contains(HINT)
        .contains("http://chat.example.com");
  }

  @Test
  void anExplicitOriginListIsNotSecondGuessed() throws Exception {
    TestServer s =
        start(
            Map.of(
                "BANTER_ALLOWED_ORIGINS",
                "https://other.example",
                "BANTER_TRUSTED_PROXIES",
                "127.0.0.1"));
    assertThat(upgrade(s, "127.0.0.1", "banter-1:8080", PUBLIC, "X-Forwarded-Proto: https"))
        .isEqualTo(403);
    assertThat(hints()).isEmpty();
  }

  private List<String> hints() {
    synchronized (warnings) {
      return warnings.list.stream()
          .map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("refused"))
          .toList();
    }
  }

  /** A WebSocket handshake from {@code peer} naming {@code host} and {@code origin}: its status. */
  private int upgrade(TestServer s, String peer, String host, String origin, String... headers)
      throws IOException {
    RawHttp c = RawHttp.connect(peer, s.port(), 0);
    open.add(c);
    StringBuilder b = new StringBuilder("GET /ws HTTP/1.1\r\nHost: " + host + "\r\n");
    b.append("Origin: ").append(origin).append("\r\n");
    b.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    b.append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    c.send(b.append("\r\n").toString());
    return c.readHead().status();
  }
}
