package dev.banter.push;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * P-256 keys in the raw forms Web Push uses: a public key is the 65-byte uncompressed point ({@code
 * 0x04 || x || y}, what {@code PushManager.subscribe} takes and {@code p256dh} is), a private key
 * the 32-byte scalar; both travel as unpadded base64url.
 */
final class P256 {
  static final int POINT_BYTES = 65;
  static final int SCALAR_BYTES = 32;
  static final ECParameterSpec PARAMS = params();

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

  private P256() {}

  private static ECParameterSpec params() {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec("secp256r1"));
      return p.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no P-256", e);
    }
  }

  static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no P-256", e);
    }
  }

  static String base64url(byte[] bytes) {
    return B64.encodeToString(bytes);
  }

  /** Unpadded (or padded) base64url; IllegalArgumentException when it is not. */
  static byte[] unbase64url(String text) {
    if (!text.matches("[A-Za-z0-9_-]*={0,2}")) {
      throw new IllegalArgumentException("not base64url");
    }
    return UNB64.decode(text);
  }

  static byte[] encode(ECPublicKey key) {
    byte[] out = new byte[POINT_BYTES];
    out[0] = 0x04;
    fixed(key.getW().getAffineX(), out, 1);
    fixed(key.getW().getAffineY(), out, 1 + SCALAR_BYTES);
    return out;
  }

  static byte[] encode(ECPrivateKey key) {
    byte[] out = new byte[SCALAR_BYTES];
    fixed(key.getS(), out, 0);
    return out;
  }

  private static void fixed(BigInteger n, byte[] out, int at) {
    byte[] b = n.toByteArray(); // big-endian, maybe with a leading 0 or shorter than 32
    int len = Math.min(b.length, SCALAR_BYTES);
    System.arraycopy(b, b.length - len, out, at + SCALAR_BYTES - len, len);
  }

  /**
   * The public key of a 65-byte uncompressed point; IllegalArgumentException unless it is one on
   * the curve (a point off it would leak the private key to an invalid-curve attack).
   */
  static ECPublicKey publicKey(byte[] point) {
    if (point.length != POINT_BYTES || point[0] != 0x04) {
      throw new IllegalArgumentException("not an uncompressed P-256 point (65 bytes, 0x04 first)");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + SCALAR_BYTES));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + SCALAR_BYTES, POINT_BYTES));
    BigInteger p = ((ECFieldFp) PARAMS.getCurve().getField()).getP();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      throw new IllegalArgumentException("not a point of P-256");
    }
    BigInteger left = y.multiply(y).mod(p);
    BigInteger right =
        x.pow(3).add(PARAMS.getCurve().getA().multiply(x)).add(PARAMS.getCurve().getB()).mod(p);
    if (!left.equals(right)) {
      throw new IllegalArgumentException("not a point of P-256");
    }
    try {
      return (ECPublicKey)
          KeyFactory.getInstance("EC")
              .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMS));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 public key", e);
    }
  }

  /** The private key of a 32-byte scalar; IllegalArgumentException unless it is one. */
  static ECPrivateKey privateKey(byte[] scalar) {
    if (scalar.length != SCALAR_BYTES) {
      throw new IllegalArgumentException("not a P-256 private key (32 bytes)");
    }
    BigInteger s = new BigInteger(1, scalar);
    if (s.signum() == 0 || s.compareTo(PARAMS.getOrder()) >= 0) {
      throw new IllegalArgumentException("not a P-256 private key");
    }
    try {
      return (ECPrivateKey)
          KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(s, PARAMS));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 private key", e);
    }
  }
}
