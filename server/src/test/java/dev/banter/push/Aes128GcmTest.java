package dev.banter.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

/** Web Push encryption against RFC 8291's own example (Appendix A) and a browser's decryption. */
class Aes128GcmTest {
  // RFC 8291 Appendix A
  private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
  private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
  private static final String AS_PUBLIC =
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
  private static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
  private static final String UA_PUBLIC =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
  private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
  private static final String BODY =
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

  private static byte[] b(String base64url) {
    return P256.unbase64url(base64url);
  }

  @Test
  void theRfcExampleEncryptsToThePublishedBody() {
    KeyPair sender = new KeyPair(P256.publicKey(b(AS_PUBLIC)), P256.privateKey(b(AS_PRIVATE)));
    byte[] body =
        Aes128Gcm.encrypt(
            PLAINTEXT.getBytes(StandardCharsets.UTF_8),
            P256.publicKey(b(UA_PUBLIC)),
            b(AUTH),
            sender,
            b(SALT));
    assertThat(P256.base64url(body)).isEqualTo(BODY);
  }

  @Test
  void theRfcExampleBodyDecryptsAsABrowserDoes() throws Exception {
    PushBrowser ua =
        new PushBrowser(P256.publicKey(b(UA_PUBLIC)), P256.privateKey(b(UA_PRIVATE)), b(AUTH));
    assertThat(new String(ua.decrypt(b(BODY)), StandardCharsets.UTF_8)).isEqualTo(PLAINTEXT);
  }

  @Test
  void aFreshKeyAndSaltEveryTimeStillDecrypts() throws Exception {
    PushBrowser ua = PushBrowser.create();
    byte[] one =
        Aes128Gcm.encrypt("hi".getBytes(StandardCharsets.UTF_8), ua.publicKey(), ua.auth());
    byte[] two =
        Aes128Gcm.encrypt("hi".getBytes(StandardCharsets.UTF_8), ua.publicKey(), ua.auth());
    assertThat(one).isNotEqualTo(two);
    assertThat(ua.decrypt(one)).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
    assertThat(ua.decrypt(two)).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aPointOffTheCurveIsNoKey() {
    byte[] point = b(UA_PUBLIC);
    point[64] ^= 1;
    assertThatThrownBy(() -> P256.publicKey(point)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void morePlaintextThanOneRecordIsRefused() {
    PushBrowser ua = PushBrowser.create();
    assertThatThrownBy(
            () ->
                Aes128Gcm.encrypt(new byte[Aes128Gcm.MAX_PLAINTEXT + 1], ua.publicKey(), ua.auth()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
