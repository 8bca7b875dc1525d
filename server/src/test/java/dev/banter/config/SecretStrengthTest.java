package dev.banter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretStrengthTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static String weakness(String secret) {
    return SecretStrength.weakness(secret).orElse("fine");
  }

  @Test
  void placeholdersFromExampleFilesAreRefusedHoweverTheyAreWritten() {
    assertThat(weakness("CHANGE-ME-to-at-least-32-random-bytes")).contains("placeholder");
    assertThat(weakness("please_change_me_before_production_use")).contains("placeholder");
    assertThat(weakness("my-super-Secret-jwt-key-for-banter-2024")).contains("placeholder");
    assertThat(weakness("k8sExampleValue0123456789abcdefghijkl")).contains("placeholder");
    assertThat(weakness("<placeholder: 32 random bytes go here>")).contains("placeholder");
    assertThat(weakness("Password1234567890Password123456789")).contains("placeholder");
  }

  @Test
  void shortValuesAreRefusedByTheirLengthInBytes() {
    assertThat(weakness("Zq3kP9xL2mV7nB4cR8tW1yH6jF5dS0g")).contains("at least 32 bytes, got 31");
    assertThat(weakness("Zq3kP9xL2mV7nB4cR8tW1yH6jF5dS0gA")).isEqualTo("fine");
  }

  @Test
  void obviouslyLowEntropyValuesAreRefused() {
    assertThat(weakness("a".repeat(48))).contains("only 1 different");
    assertThat(weakness("abcabcabcabcabcabcabcabcabcabcabcabc")).contains("only 3 different");
    assertThat(weakness("0101101001011010010110100101101001")).contains("only 2 different");
    assertThat(weakness("x".repeat(20) + "Zq3kP9xL2mV7nB4cR8")).contains("half");
    assertThat(weakness("Zq3kP9xL2mV7nB4c".repeat(3))).contains("repeats a pattern of 16");
    assertThat(weakness("0123456789abcdef0123456789abcdef")).contains("repeats a pattern");
  }

  @Test
  void whatRandomGeneratorsMakeAlwaysPasses() {
    for (int i = 0; i < 2000; i++) {
      byte[] bytes = new byte[48];
      RANDOM.nextBytes(bytes);
      assertThat(weakness(Base64.getEncoder().encodeToString(bytes))).isEqualTo("fine");
      byte[] half = new byte[16];
      RANDOM.nextBytes(half);
      assertThat(weakness(HexFormat.of().formatHex(half)))
          .isEqualTo("fine"); // openssl rand -hex 16
      assertThat(weakness(UUID.randomUUID().toString())).isEqualTo("fine");
    }
  }

  @Test
  void aRefusalNeverRepeatsTheValue() {
    String secret = "CHANGE-ME-to-at-least-32-random-bytes";
    assertThat(weakness(secret)).doesNotContain(secret).contains("openssl rand");
  }
}
