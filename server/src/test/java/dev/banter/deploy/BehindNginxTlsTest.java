package dev.banter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Backend;
import dev.banter.support.Nginx;
import dev.banter.support.SelfSignedCert;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped {@code deploy/nginx-tls.conf}, rendered for test ports and a throw-away certificate,
 * in front of a node that trusts it: answers over TLS carry Strict-Transport-Security exactly once
 * (Banter's), plain HTTP is sent to HTTPS, and /metrics asked through the proxy is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BehindNginxTlsTest {
  private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

  Path dir;
  TestServer node;
  Nginx nginx;
  SelfSignedCert cert;
  int httpPort;
  int tlsPort;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("banter-nginx-tls-");
    cert = SelfSignedCert.create(dir);
    node = TestServer.start(Backend.SQLITE, Map.of("BANTER_TRUSTED_PROXIES", "127.0.0.1"));
    httpPort = Nginx.freePort();
    tlsPort = Nginx.freePort();
    nginx = Nginx.start(dir.resolve("nginx"), site(), tlsPort);
  }

  /** deploy/nginx-tls.conf with the compose names, ports and certificate paths replaced. */
  private String site() throws IOException {
    String shipped = Files.readString(DEPLOY.resolve("nginx-tls.conf"));
    String rendered =
        shipped
            .replace("server banter-1:8080", "server 127.0.0.1:" + node.port())
            .replace("server banter-2:8080", "server 127.0.0.1:" + node.port())
            .replace("listen 80;", "listen 127.0.0.1:" + httpPort + ";")
            .replace("listen 443 ssl;", "listen 127.0.0.1:" + tlsPort + " ssl;")
            .replace("/etc/nginx/tls/fullchain.pem", cert.cert().toString())
            .replace("/etc/nginx/tls/privkey.pem", cert.key().toString());
    assertThat(rendered)
        .as("the shipped file still has the lines this test renders")
        .doesNotContain(
            "banter-1:",
            "banter-2:",
            "listen 80;",
            "listen 443 ssl;",
            "/etc/nginx/tls/fullchain.pem",
            "/etc/nginx/tls/privkey.pem");
    return rendered;
  }

  @AfterAll
  void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void answersOverTlsCarryStrictTransportSecurityExactlyOnce() throws Exception {
    HttpResponse<String> r = https("127.0.0.1", "/api/v1/rooms");
    assertThat(r.statusCode())
        .as("an API answer through nginx: %s", nginx.errorLog())
        .isEqualTo(401);
    assertThat(r.headers().allValues("Strict-Transport-Security"))
        .as("the node's HSTS, and no second one from nginx")
        .hasSize(1)
        .allSatisfy(v -> assertThat(v).startsWith("max-age="));
    assertThat(https("127.0.0.1", "/health").headers().allValues("Strict-Transport-Security"))
        .hasSize(1);
  }

  @Test
  void plainHttpIsSentToHttps() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/rooms"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("Location")).hasValue("https://127.0.0.1/rooms");
    assertThat(r.headers().allValues("Strict-Transport-Security"))
        .as("never over plain HTTP")
        .isEmpty();
  }

  @Test
  void metricsAskedThroughTheProxyAreRefusedEvenForALoopbackClient() throws Exception {
    // 127.0.0.2 is a loopback address, but nginx (127.0.0.1) is the node's peer and names it
    HttpResponse<String> r = https("127.0.0.2", "/metrics");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).doesNotContain("banter_");
  }

  private HttpResponse<String> https(String from, String path)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(cert.trusting())
            .localAddress(InetAddress.getByName(from))
            .build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
