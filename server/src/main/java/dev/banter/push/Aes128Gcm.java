package dev.banter.push;

import dev.banter.core.Ids;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Web Push message encryption (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188), with
 * the JDK's own ECDH, HMAC-SHA-256 (for HKDF) and AES-GCM: one record, a fresh key pair and salt
 * per message. The body carries the salt, the record size and that key pair's public point.
 */
final class Aes128Gcm {
  /** RFC 8291 §4: a push message fits in one record of at most 4096 bytes. */
  static final int RECORD_SIZE = 4096;

  private static final int SALT_BYTES = 16;
  private static final int TAG_BYTES = 16;
  private static final int HEADER_BYTES = SALT_BYTES + 4 + 1 + P256.POINT_BYTES;

  /**
   * The most plaintext one record holds: the record less the tag and the padding delimiter.
   * Anything longer is refused rather than split (push services take one record).
   */
  static final int MAX_PLAINTEXT = RECORD_SIZE - TAG_BYTES - 1;

  private Aes128Gcm() {}

  /** Encrypts {@code plaintext} for a subscription's keys with a fresh key pair and salt. */
  static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret) {
    return encrypt(plaintext, uaPublic, authSecret, P256.generate(), Ids.randomBytes(SALT_BYTES));
  }

  /**
   * Encrypts with a given sender key pair and salt (RFC 8291 Appendix A's test vector uses them).
   */
  static byte[] encrypt(
      byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret, KeyPair sender, byte[] salt) {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "a push message holds at most " + MAX_PLAINTEXT + " bytes");
    }
    if (salt.length != SALT_BYTES) {
      throw new IllegalArgumentException("the salt is 16 bytes");
    }
    try {
      byte[] asPublic = P256.encode((ECPublicKey) sender.getPublic());
      byte[] ecdhSecret = ecdh((ECPrivateKey) sender.getPrivate(), uaPublic);
      byte[][] keys = keys(ecdhSecret, authSecret, P256.encode(uaPublic), asPublic, salt);
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(keys[0], "AES"),
          new GCMParameterSpec(TAG_BYTES * 8, keys[1]));
      byte[] record = Arrays.copyOf(plaintext, plaintext.length + 1);
      record[plaintext.length] = 2; // the last record's padding delimiter, no padding
      byte[] sealed = gcm.doFinal(record);
      return ByteBuffer.allocate(HEADER_BYTES + sealed.length)
          .put(salt)
          .putInt(RECORD_SIZE)
          .put((byte) P256.POINT_BYTES)
          .put(asPublic)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot encrypt a push message", e);
    }
  }

  static byte[] ecdh(ECPrivateKey own, ECPublicKey theirs) throws GeneralSecurityException {
    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
    ka.init(own);
    ka.doPhase(theirs, true);
    return ka.generateSecret();
  }

  /**
   * RFC 8291 §3.4 and RFC 8188 §2.2: the content-encryption key and the nonce, {@code [cek,
   * nonce]}, from the ECDH secret, the auth secret and both public points.
   */
  static byte[][] keys(
      byte[] ecdhSecret, byte[] authSecret, byte[] uaPublic, byte[] asPublic, byte[] salt)
      throws GeneralSecurityException {
    byte[] keyInfo =
        concat(
            "WebPush: info".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0},
            uaPublic,
            asPublic);
    byte[] ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
    byte[] cek = hkdf(salt, ikm, info("aes128gcm"), 16);
    byte[] nonce = hkdf(salt, ikm, info("nonce"), 12);
    return new byte[][] {cek, nonce};
  }

  private static byte[] info(String coding) {
    return ("Content-Encoding: " + coding + "\0").getBytes(StandardCharsets.US_ASCII);
  }

  /** HKDF-SHA-256 (RFC 5869) for outputs of at most one hash block, as every use here is. */
  private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length)
      throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(info);
    return Arrays.copyOf(mac.doFinal(new byte[] {1}), length);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }
}
