package dev.banter.support;

import static dev.banter.support.Fuzz.w;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Hostile input for the fuzz tests, as JSON text (so it can hold what no serialiser writes:
 * duplicate keys, lone-surrogate escapes, numbers past any range, nesting past any limit) and as
 * bytes (invalid UTF-8). Built from the project's own {@link Fuzz} generators.
 */
public final class JsonFuzz {
  private JsonFuzz() {}

  /**
   * Strings an attacker tries first: empty, blank, control characters, lone surrogates, oversize,
   * injections.
   */
  public static Gen<String> hostileStrings() {
    return Fuzz.frequency(
        w(
            3,
            Fuzz.of(
                "",
                " ",
                "\t\n",
                "\u0000",
                "a\u0000b",
                "\ud800",
                "\udc00",
                "x\ud83d",
                "\ude00y",
                "\ud83d\ude00",
                "👍",
                "‮evil",
                "\u200b",
                "\uFEFF",
                "\uFFFF",
                "null",
                "true",
                "1",
                "-1",
                "general",
                "me",
                "../../etc/passwd",
                "%00",
                "<script>alert(1)</script>",
                "' OR 1=1 --",
                "a".repeat(65),
                "b".repeat(4001),
                "c".repeat(5_000),
                ":+1:",
                ":x:",
                "public",
                "private",
                "owner",
                "admin",
                "member",
                "https://x.example/a.png",
                "javascript:alert(1)",
                "http://127.0.0.1/",
                "\\",
                "\"",
                "{}",
                "[]")),
        w(2, Fuzz.strings(Fuzz.anyChar(), 0, 40)),
        w(2, Fuzz.strings(Fuzz.ascii(), 0, 40)),
        w(1, Fuzz.strings(Fuzz.chars('\ud800', '\udfff'), 0, 4)));
  }

  /**
   * Ordinary-looking text with one character that breaks careless code in it: NUL (PostgreSQL),
   * lone surrogates (UTF-8), controls, direction overrides, byte-order marks, emoji.
   */
  public static Gen<String> textWithADangerousCharacter() {
    Gen<String> word = Fuzz.strings(Fuzz.chars('a', 'z'), 1, 8);
    Gen<String> dangerous =
        Fuzz.of(
            "\u0000", "\ud800", "\udfff", "\u0007", "\u001b", "\u007f", "\u202e", "\ufeff",
            "\uffff", "\n", "\r\n", "\t", "👍", "\u00a0");
    return Fuzz.frequency(
        w(3, r -> word.draw(r) + dangerous.draw(r) + word.draw(r)),
        w(1, dangerous),
        w(1, hostileStrings()));
  }

  /** Number literals: ordinary, at and past the limits of long and double, and too long to read. */
  public static Gen<String> numberLiterals() {
    return Fuzz.frequency(
        w(
            3,
            Fuzz.of(
                "0",
                "-0",
                "1",
                "-1",
                "1e999999",
                "-1e999999",
                "1E-999999",
                "99999999999999999999999",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "-9223372036854775809",
                "1.5",
                "1e3",
                "1.0",
                "0.0000001",
                "4000",
                "64",
                "65",
                "3600",
                "2147483648")),
        w(2, Fuzz.longs().map(String::valueOf)),
        w(1, Fuzz.doubles().map(String::valueOf).filter(s -> !s.contains("N") && !s.contains("I"))),
        w(1, Fuzz.strings(Fuzz.numeric(), 1, 1200).map(s -> "1" + s)));
  }

  /** Tokens that look like JSON values but are not. */
  public static Gen<String> notJsonTokens() {
    return Fuzz.of(
        "NaN",
        "Infinity",
        "-Infinity",
        "undefined",
        "'single'",
        "0x10",
        "+1",
        "01",
        ".5",
        "1.",
        "tru",
        "nul",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"raw \u0001 control\"",
        "/* c */1",
        "1 2");
  }

  /** A JSON scalar as text. */
  public static Gen<String> scalars() {
    return Fuzz.frequency(
        w(4, hostileStrings().map(JsonFuzz::quote)),
        w(3, numberLiterals()),
        w(2, Fuzz.of("true", "false", "null")),
        w(1, notJsonTokens()));
  }

  /**
   * A JSON value as text: scalars, arrays and objects nested a few levels, duplicate keys included.
   */
  public static Gen<String> values() {
    return Fuzz.recursive(JsonFuzz::scalars, JsonFuzz::containersOf, 0, 4);
  }

  private static Gen<String> containersOf(Gen<String> inner) {
    Gen<String> array = inner.list(4).map(l -> "[" + String.join(",", l) + "]");
    Gen<String> key = Fuzz.oneOf(hostileStrings(), Fuzz.of("type", "ref", "body", "id", "seq"));
    Gen<String> member = r -> quote(key.draw(r)) + ":" + inner.draw(r);
    Gen<String> object = member.list(4).map(l -> "{" + String.join(",", l) + "}");
    return Fuzz.frequency(w(2, inner), w(1, array), w(1, object));
  }

  /**
   * Whole documents the parser must refuse without falling over: nesting far past any limit,
   * truncation, junk.
   */
  public static Gen<String> brokenDocuments() {
    return Fuzz.frequency(
        w(
            2,
            Fuzz.ints(65, 20_000)
                .flatMap(
                    n ->
                        Fuzz.of(
                            "[".repeat(n),
                            "[".repeat(n) + "]".repeat(n),
                            "{\"a\":".repeat(n) + "1" + "}".repeat(n),
                            "{\"type\":\"ping\",\"x\":" + "[".repeat(n) + "]".repeat(n) + "}"))),
        w(1, values().map(v -> v.length() > 1 ? v.substring(0, v.length() / 2) : v + "}")),
        w(1, values().map(v -> v + " " + v)),
        w(
            1,
            Fuzz.of(
                "",
                " ",
                "{",
                "}",
                "{\"type\":\"ping\",\"type\":\"ping\"}",
                "{\"type\":\"ping\"}{\"type\":\"ping\"}",
                "{\"type\":\"ping\"} x")));
  }

  /**
   * A JSON object whose keys are drawn from {@code fields} (and a few others) and whose values are
   * anything: right types, wrong types, nulls, deep values. With no fields, any object.
   */
  public static Gen<String> objectsWith(List<String> fields) {
    List<String> keys = new ArrayList<>(fields);
    keys.add("ref");
    keys.add("type");
    // Most API fields are text: hostile text as often as any value, so it reaches the services.
    Gen<String> value = Fuzz.frequency(w(1, hostileStrings().map(JsonFuzz::quote)), w(1, values()));
    Gen<String> key = Fuzz.of(keys);
    Gen<String> member = r -> quote(key.draw(r)) + ":" + value.draw(r);
    return member.list(8).map(l -> "{" + String.join(",", l) + "}");
  }

  /**
   * Bytes that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates,
   * truncated sequences.
   */
  public static Gen<byte[]> invalidUtf8() {
    Gen<byte[]> bad =
        Fuzz.of(
            new byte[] {(byte) 0xff},
            new byte[] {(byte) 0xc0, (byte) 0xaf},
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            new byte[] {(byte) 0xe2, (byte) 0x82},
            new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80});
    Gen<String> prefix =
        Fuzz.of("", "{\"type\":\"ping\",\"ref\":\"", "{\"type\":\"", "{\"body\":\"");
    Gen<String> suffix = Fuzz.of("", "\"}", "x\"}");
    return r -> {
      byte[] head = prefix.draw(r).getBytes(StandardCharsets.UTF_8);
      byte[] b = bad.draw(r);
      byte[] tail = suffix.draw(r).getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[head.length + b.length + tail.length];
      System.arraycopy(head, 0, out, 0, head.length);
      System.arraycopy(b, 0, out, head.length, b.length);
      System.arraycopy(tail, 0, out, head.length + b.length, tail.length);
      return out;
    };
  }

  /**
   * A value that no field of the API accepts: not a string, not a whole number, not an array of
   * strings, not null (booleans, objects, arrays of non-strings, fractions).
   */
  public static Gen<String> wrongForEveryField() {
    return Fuzz.frequency(
        w(
            2,
            Fuzz.of(
                "true",
                "false",
                "{}",
                "[1]",
                "[true]",
                "[{}]",
                "[[\"x\"]]",
                "1.5",
                "1e999999",
                "{\"a\":\"b\"}",
                "[null, 1]")),
        w(1, values().map(v -> "{\"v\":" + v + "}")),
        w(1, values().map(v -> "[{\"v\":" + v + "}]")));
  }

  /**
   * An object with every one of {@code fields} present and wrongly typed, so every route must
   * refuse it.
   */
  public static Gen<String> wronglyTypedObjects(List<String> fields) {
    return wrongForEveryField()
        .listOfSize(fields.size())
        .map(
            vs -> {
              StringBuilder b = new StringBuilder("{");
              for (int i = 0; i < fields.size(); i++) {
                b.append(i == 0 ? "" : ",")
                    .append(quote(fields.get(i)))
                    .append(':')
                    .append(vs.get(i));
              }
              return b.append('}').toString();
            });
  }

  /**
   * {@code s} as a JSON string literal; lone surrogates and controls are written as {@code \\u}
   * escapes.
   */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean pairStart =
          Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1));
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
    return fields.entrySet().stream()
        .map(e -> quote(e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }
}
