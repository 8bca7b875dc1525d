package dev.banter.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.banter.config.Config;
import dev.banter.config.ConfigException;
import dev.banter.config.ConfigLoader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VAPID settings and keys: configured, generated, and what start-up refuses. */
class VapidKeysTest {
  // RFC 8291 Appendix A's application-server pair: a real P-256 key pair
  private static final String PUBLIC =
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
  private static final String PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
  private static final String OTHER_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";

  @TempDir Path dir;

  private Config load(String... pairs) {
    Map<String, String> vars = new HashMap<>();
    vars.put("BANTER_DATA_DIR", dir.toString());
    for (int i = 0; i < pairs.length; i += 2) {
      vars.put(pairs[i], pairs[i + 1]);
    }
    return new ConfigLoader(vars, false).load();
  }

  @Test
  void aConfiguredPairIsTheKey() {
    VapidKeys keys =
        VapidKeys.resolve(
            load("BANTER_VAPID_PUBLIC_KEY", PUBLIC, "BANTER_VAPID_PRIVATE_KEY", PRIVATE));
    assertThat(keys.publicKey()).isEqualTo(PUBLIC);
    assertThat(dir.resolve(VapidKeys.FILE)).doesNotExist();
  }

  @Test
  void aPublicKeyThatIsNotThePrivateKeysIsRefusedAtStart() {
    Config config =
        load("BANTER_VAPID_PUBLIC_KEY", PUBLIC, "BANTER_VAPID_PRIVATE_KEY", OTHER_PRIVATE);
    assertThatThrownBy(() -> VapidKeys.resolve(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BANTER_VAPID_PUBLIC_KEY is not the public key");
  }

  @Test
  void oneKeyWithoutTheOtherIsAConfigurationError() {
    assertThatThrownBy(() -> load("BANTER_VAPID_PUBLIC_KEY", PUBLIC))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BANTER_VAPID_PRIVATE_KEY: BANTER_VAPID_PUBLIC_KEY and")
        .hasMessageNotContaining(PRIVATE);
  }

  @Test
  void keysOfTheWrongSizeOrNotBase64urlAreConfigurationErrors() {
    assertThatThrownBy(
            () -> load("BANTER_VAPID_PUBLIC_KEY", PRIVATE, "BANTER_VAPID_PRIVATE_KEY", PRIVATE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BANTER_VAPID_PUBLIC_KEY: expected 65 bytes");
    assertThatThrownBy(
            () -> load("BANTER_VAPID_PUBLIC_KEY", PUBLIC, "BANTER_VAPID_PRIVATE_KEY", "a+b/c"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BANTER_VAPID_PRIVATE_KEY: expected base64url")
        .hasMessageNotContaining("a+b/c");
  }

  @Test
  void theConfiguredPrivateKeyIsNeverShown() {
    Config config = load("BANTER_VAPID_PUBLIC_KEY", PUBLIC, "BANTER_VAPID_PRIVATE_KEY", PRIVATE);
    assertThat(config.toString()).doesNotContain(PRIVATE).contains("BANTER_VAPID_PRIVATE_KEY");
    assertThat(config.vapidKeys().orElseThrow().toString()).doesNotContain(PRIVATE);
  }

  @Test
  void theSubjectIsTheSettingElseAnHttpsPublicUrlElseAPlaceholderAddress() {
    assertThat(load("BANTER_VAPID_SUBJECT", "mailto:ops@chat.example").vapidSubject())
        .isEqualTo("mailto:ops@chat.example");
    assertThat(load("BANTER_PUBLIC_URL", "https://chat.example").vapidSubject())
        .isEqualTo("https://chat.example");
    assertThat(load("BANTER_PUBLIC_URL", "http://chat.example").vapidSubject())
        .isEqualTo("mailto:admin@localhost");
    assertThat(load().vapidSubject()).isEqualTo("mailto:admin@localhost");
    assertThatThrownBy(() -> load("BANTER_VAPID_SUBJECT", "ops@chat.example"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BANTER_VAPID_SUBJECT: expected a mailto: address or an https: URL");
  }

  @Test
  void generatedKeysAreKeptAndReadBack() {
    VapidKeys first = VapidKeys.resolve(load());
    VapidKeys again = VapidKeys.resolve(load());
    assertThat(again.publicKey()).isEqualTo(first.publicKey());
    assertThat(dir.resolve(VapidKeys.FILE)).exists();
  }

  @Test
  void theAuthorizationIsAnEs256TokenForTheAudienceAndTheKey() {
    VapidKeys keys = VapidKeys.resolve(load("BANTER_VAPID_SUBJECT", "mailto:ops@chat.example"));
    String header = keys.authorization("https://push.example", Instant.now());
    String token = header.substring("vapid t=".length(), header.indexOf(','));
    var jwt = JWT.require(Algorithm.ECDSA256(keys.ecPublicKey(), null)).build().verify(token);
    assertThat(jwt.getAudience()).containsExactly("https://push.example");
    assertThat(jwt.getSubject()).isEqualTo("mailto:ops@chat.example");
    assertThat(header).endsWith(", k=" + keys.publicKey());
  }

  @Test
  void theAudienceIsTheEndpointsOrigin() {
    assertThat(PushSender.origin(URI.create("https://FCM.googleapis.com:443/fcm/send/x")))
        .isEqualTo("https://fcm.googleapis.com");
    assertThat(PushSender.origin(URI.create("http://127.0.0.1:8443/p")))
        .isEqualTo("http://127.0.0.1:8443");
  }
}
