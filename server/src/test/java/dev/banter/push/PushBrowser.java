package dev.banter.push;

import dev.banter.core.Ids;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A browser's side of one push subscription, as a test plays it: its own P-256 key pair and auth
 * secret, and the decryption a browser does on a push message (RFC 8291 §3.4, RFC 8188 §2).
 */
record PushBrowser(ECPublicKey publicKey, ECPrivateKey privateKey, byte[] auth) {
  static PushBrowser create() {
    KeyPair pair = P256.generate();
    return new PushBrowser(
        (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate(), Ids.randomBytes(16));
  }

  String p256dh() {
    return P256.base64url(P256.encode(publicKey));
  }

  String authText() {
    return P256.base64url(auth);
  }

  /** {@code {endpoint, keys: {p256dh, auth}}} as {@code PushSubscription.toJSON()} gives it. */
  Map<String, Object> subscription(String endpoint) {
    return Map.of("endpoint", endpoint, "keys", Map.of("p256dh", p256dh(), "auth", authText()));
  }

  /** The plaintext of an {@code aes128gcm} body of one record, its padding removed. */
  byte[] decrypt(byte[] body) throws GeneralSecurityException {
    ByteBuffer b = ByteBuffer.wrap(body);
    byte[] salt = new byte[16];
    b.get(salt);
    int recordSize = b.getInt();
    byte[] asPublic = new byte[b.get() & 0xff];
    b.get(asPublic);
    byte[] sealed = new byte[b.remaining()];
    b.get(sealed);
    if (sealed.length > recordSize) {
      throw new GeneralSecurityException("more than one record");
    }
    byte[] secret = Aes128Gcm.ecdh(privateKey, P256.publicKey(asPublic));
    byte[][] keys = Aes128Gcm.keys(secret, auth, P256.encode(publicKey), asPublic, salt);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(
        Cipher.DECRYPT_MODE, new SecretKeySpec(keys[0], "AES"), new GCMParameterSpec(128, keys[1]));
    byte[] padded = gcm.doFinal(sealed);
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) {
      end--;
    }
    if (end < 0 || padded[end] != 2) {
      throw new GeneralSecurityException("no last-record delimiter");
    }
    return Arrays.copyOf(padded, end);
  }
}
