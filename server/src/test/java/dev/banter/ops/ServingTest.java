package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.Postgres;
import dev.banter.support.TestServer;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness follows the database; TLS (with HSTS) is served when a certificate is configured. */
class ServingTest {
  @TempDir Path tmp;

  @Test
  void readinessTurns503WhenTheDatabaseGoesAway() {
    try (TestServer server = TestServer.start(Backend.POSTGRES)) {
      assertThat(server.api().get("/ready", null).status()).isEqualTo(200);
      String url =
          server
              .db()
              .withHandle(
                  h -> h.createQuery("SELECT current_database()").mapTo(String.class).one());
      Postgres.dropDatabase("x/" + url);
      Reply ready = server.api().get("/ready", null);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.errorCode()).isEqualTo("unavailable");
      assertThat(ready.json().at("/error/details/database").asText()).isEqualTo("down");
      assertThat(server.api().get("/health", null).status()).isEqualTo(200);
    }
  }

  @Test
  void withACertificateTheServerSpeaksHttps() throws Exception {
    Path keystore = tmp.resolve("tls.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "banter",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit")
            .inheritIO()
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(keystore.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes());
    Path cert = tmp.resolve("cert.pem");
    Path key = tmp.resolve("key.pem");
    Files.writeString(
        cert,
        "-----BEGIN CERTIFICATE-----\n"
            + pem.encodeToString(ks.getCertificate("banter").getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    Files.writeString(
        key,
        "-----BEGIN PRIVATE KEY-----\n"
            + pem.encodeToString(ks.getKey("banter", "changeit".toCharArray()).getEncoded())
            + "\n-----END PRIVATE KEY-----\n");

    try (TestServer server =
        TestServer.start(
            Backend.SQLITE,
            Map.of("BANTER_TLS_CERT", cert.toString(), "BANTER_TLS_KEY", key.toString()))) {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("up");
      assertThat(r.headers().firstValue("Strict-Transport-Security"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("max-age="));
    }
  }
}
