package dev.banter.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Hostile input for the fuzz tests, as JSON text (so it can hold what no serialiser writes:
 * duplicate keys, lone-surrogate escapes, numbers past any range, nesting past any limit) and
 * as bytes (invalid UTF-8).
 */
public final class JsonFuzz {
  private JsonFuzz() {}

  /** Strings an attacker tries first: empty, blank, control characters, lone surrogates, oversize, injections. */
  public static Arbitrary<String> hostileStrings() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("", " ", "\t\n", "\u0000", "a\u0000b", "\ud800", "\udc00", "x\ud83d", "\ude00y",
            "\ud83d\ude00", "👍", "‮evil", "\u200b", "\uFEFF", "\uFFFF", "null", "true", "1", "-1", "general", "me",
            "../../etc/passwd", "%00", "<script>alert(1)</script>", "' OR 1=1 --", "a".repeat(65), "b".repeat(4001),
            "c".repeat(5_000), ":+1:", ":x:", "public", "private", "owner", "admin", "member", "https://x.example/a.png",
            "javascript:alert(1)", "http://127.0.0.1/", "\\", "\"", "{}", "[]")),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(2, Arbitraries.strings().ascii().ofMaxLength(40)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(4)));
  }

  /**
   * Ordinary-looking text with one character that breaks careless code in it: NUL (PostgreSQL),
   * lone surrogates (UTF-8), controls, direction overrides, byte-order marks, emoji.
   */
  public static Arbitrary<String> textWithADangerousCharacter() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> dangerous = Arbitraries.of("\u0000", "\ud800", "\udfff", "\u0007", "\u001b", "\u007f",
        "\u202e", "\ufeff", "\uffff", "\n", "\r\n", "\t", "👍", "\u00a0");
    return Arbitraries.frequencyOf(
        Tuple.of(3, Combinators.combine(word, dangerous, word).as((a, d, b) -> a + d + b)),
        Tuple.of(1, dangerous),
        Tuple.of(1, hostileStrings()));
  }

  /** Number literals: ordinary, at and past the limits of long and double, and too long to read. */
  public static Arbitrary<String> numberLiterals() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("0", "-0", "1", "-1", "1e999999", "-1e999999", "1E-999999",
            "99999999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "1.5", "1e3", "1.0", "0.0000001", "4000", "64", "65", "3600", "2147483648")),
        Tuple.of(2, Arbitraries.longs().map(String::valueOf)),
        Tuple.of(1, Arbitraries.doubles().map(String::valueOf).filter(s -> !s.contains("N") && !s.contains("I"))),
        Tuple.of(1, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(1200).map(s -> "1" + s)));
  }

  /** Tokens that look like JSON values but are not. */
  public static Arbitrary<String> notJsonTokens() {
    return Arbitraries.of("NaN", "Infinity", "-Infinity", "undefined", "'single'", "0x10", "+1", "01", ".5", "1.",
        "tru", "nul", "\"unterminated", "\"bad \\x escape\"", "\"raw \u0001 control\"", "/* c */1", "1 2");
  }

  /** A JSON scalar as text. */
  public static Arbitrary<String> scalars() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, hostileStrings().map(JsonFuzz::quote)),
        Tuple.of(3, numberLiterals()),
        Tuple.of(2, Arbitraries.of("true", "false", "null")),
        Tuple.of(1, notJsonTokens()));
  }

  /** A JSON value as text: scalars, arrays and objects nested a few levels, duplicate keys included. */
  public static Arbitrary<String> values() {
    return Arbitraries.recursive(JsonFuzz::scalars, JsonFuzz::containersOf, 0, 4);
  }

  private static Arbitrary<String> containersOf(Arbitrary<String> inner) {
    Arbitrary<String> array = inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> key = Arbitraries.oneOf(hostileStrings(), Arbitraries.of("type", "ref", "body", "id", "seq"));
    Arbitrary<String> object = Combinators.combine(key, inner).as((k, v) -> quote(k) + ":" + v)
        .list().ofMaxSize(4).map(l -> "{" + String.join(",", l) + "}");
    return Arbitraries.frequencyOf(Tuple.of(2, inner), Tuple.of(1, array), Tuple.of(1, object));
  }

  /** Whole documents the parser must refuse without falling over: nesting far past any limit, truncation, junk. */
  public static Arbitrary<String> brokenDocuments() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.integers().between(65, 20_000).flatMap(n -> Arbitraries.of(
            "[".repeat(n), "[".repeat(n) + "]".repeat(n), "{\"a\":".repeat(n) + "1" + "}".repeat(n),
            "{\"type\":\"ping\",\"x\":" + "[".repeat(n) + "]".repeat(n) + "}"))),
        Tuple.of(1, values().map(v -> v.length() > 1 ? v.substring(0, v.length() / 2) : v + "}")),
        Tuple.of(1, values().map(v -> v + " " + v)),
        Tuple.of(1, Arbitraries.of("", " ", "{", "}", "{\"type\":\"ping\",\"type\":\"ping\"}",
            "{\"type\":\"ping\"}{\"type\":\"ping\"}", "{\"type\":\"ping\"} x")));
  }

  /**
   * A JSON object whose keys are drawn from {@code fields} (and a few others) and whose values are
   * anything: right types, wrong types, nulls, deep values. With no fields, any object.
   */
  public static Arbitrary<String> objectsWith(List<String> fields) {
    List<String> keys = new ArrayList<>(fields);
    keys.add("ref");
    keys.add("type");
    // Most API fields are text: hostile text as often as any value, so it reaches the services.
    Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(1, hostileStrings().map(JsonFuzz::quote)),
        Tuple.of(1, values()));
    Arbitrary<String> member = Combinators.combine(Arbitraries.of(keys), value).as((k, v) -> quote(k) + ":" + v);
    return member.list().ofMaxSize(8).map(l -> "{" + String.join(",", l) + "}");
  }

  /** Bytes that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates, truncated sequences. */
  public static Arbitrary<byte[]> invalidUtf8() {
    Arbitrary<byte[]> bad = Arbitraries.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0xaf},
        new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82},
        new byte[] {(byte) 0x80}, new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80});
    Arbitrary<String> prefix = Arbitraries.of("", "{\"type\":\"ping\",\"ref\":\"", "{\"type\":\"", "{\"body\":\"");
    return Combinators.combine(prefix, bad, Arbitraries.of("", "\"}", "x\"}")).as((p, b, s) -> {
      byte[] head = p.getBytes(StandardCharsets.UTF_8);
      byte[] tail = s.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[head.length + b.length + tail.length];
      System.arraycopy(head, 0, out, 0, head.length);
      System.arraycopy(b, 0, out, head.length, b.length);
      System.arraycopy(tail, 0, out, head.length + b.length, tail.length);
      return out;
    });
  }

  /**
   * A value that no field of the API accepts: not a string, not a whole number, not an array of
   * strings, not null (booleans, objects, arrays of non-strings, fractions).
   */
  public static Arbitrary<String> wrongForEveryField() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of("true", "false", "{}", "[1]", "[true]", "[{}]", "[[\"x\"]]", "1.5", "1e999999",
            "{\"a\":\"b\"}", "[null, 1]")),
        Tuple.of(1, values().map(v -> "{\"v\":" + v + "}")),
        Tuple.of(1, values().map(v -> "[{\"v\":" + v + "}]")));
  }

  /** An object with every one of {@code fields} present and wrongly typed, so every route must refuse it. */
  public static Arbitrary<String> wronglyTypedObjects(List<String> fields) {
    return wrongForEveryField().list().ofSize(fields.size()).map(vs -> {
      StringBuilder b = new StringBuilder("{");
      for (int i = 0; i < fields.size(); i++) {
        b.append(i == 0 ? "" : ",").append(quote(fields.get(i))).append(':').append(vs.get(i));
      }
      return b.append('}').toString();
    });
  }

  /** {@code s} as a JSON string literal; lone surrogates and controls are written as {@code \\u} escapes. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean pairStart = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      if (pairStart) {
        b.append(c).append(s.charAt(++i));
      } else if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** A JSON object literal of {@code fields} (values already JSON text), in order. */
  public static String object(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> quote(e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }
}
