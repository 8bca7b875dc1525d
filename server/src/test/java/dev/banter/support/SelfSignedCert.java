package dev.banter.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate for 127.0.0.1 (the JDK's keytool makes it), as the PEM files servers
 * read, and a TLS context for clients that trusts it and nothing else.
 */
public record SelfSignedCert(Path cert, Path key, SSLContext trusting) {
  private static final String ALIAS = "banter";
  private static final String PASSWORD = "changeit";

  /** Makes one in {@code dir} ({@code cert.pem}, {@code key.pem}, PKCS#8). */
  public static SelfSignedCert create(Path dir) throws IOException, InterruptedException {
    Path keystore = dir.resolve("tls.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                ALIAS,
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
                PASSWORD)
            .inheritIO()
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (FileInputStream in = new FileInputStream(keystore.toFile())) {
        ks.load(in, PASSWORD.toCharArray());
      }
      Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
      Path cert = dir.resolve("cert.pem");
      Path key = dir.resolve("key.pem");
      Files.writeString(
          cert,
          "-----BEGIN CERTIFICATE-----\n"
              + pem.encodeToString(ks.getCertificate(ALIAS).getEncoded())
              + "\n-----END CERTIFICATE-----\n");
      Files.writeString(
          key,
          "-----BEGIN PRIVATE KEY-----\n"
              + pem.encodeToString(ks.getKey(ALIAS, PASSWORD.toCharArray()).getEncoded())
              + "\n-----END PRIVATE KEY-----\n");
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return new SelfSignedCert(cert, key, ssl);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
