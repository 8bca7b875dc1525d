package dev.banter.realtime;

import static dev.banter.support.Fuzz.w;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Fuzz;
import dev.banter.support.Gen;
import dev.banter.support.JsonFuzz;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * SPEC §5: whatever text a client sends, the frame decoder either yields a frame or refuses it with
 * its own {@code Invalid} carrying a SPEC §1 error ({@code bad_request}, or {@code
 * validation_failed} for a present but invalid value) — never another exception, never a stack
 * overflow — and the error frame written back is well-formed JSON that says exactly that error.
 */
class FrameParserFuzzTest {
  /** Every client frame type and its fields (SPEC §5), with the JSON type each field takes. */
  static final Map<String, Map<String, Kind>> FRAMES = frames();

  enum Kind {
    TEXT,
    NUMBER,
    BOOL,
    TEXTS
  }

  private static final ObjectMapper STRICT = new ObjectMapper();

  private static Map<String, Map<String, Kind>> frames() {
    Map<String, Map<String, Kind>> f = new LinkedHashMap<>();
    f.put("auth", Map.of("token", Kind.TEXT));
    f.put("join_room", Map.of("room_id", Kind.TEXT, "since_seq", Kind.NUMBER));
    f.put("leave_room", Map.of("room_id", Kind.TEXT));
    f.put(
        "send_message",
        Map.of(
            "room_id",
            Kind.TEXT,
            "body",
            Kind.TEXT,
            "client_id",
            Kind.TEXT,
            "reply_to",
            Kind.TEXT,
            "attachments",
            Kind.TEXTS));
    f.put("edit_message", Map.of("room_id", Kind.TEXT, "message_id", Kind.TEXT, "body", Kind.TEXT));
    f.put("delete_message", Map.of("room_id", Kind.TEXT, "message_id", Kind.TEXT));
    f.put(
        "react",
        Map.of("room_id", Kind.TEXT, "message_id", Kind.TEXT, "emoji", Kind.TEXT, "on", Kind.BOOL));
    f.put("typing", Map.of("room_id", Kind.TEXT, "active", Kind.BOOL));
    f.put("read", Map.of("room_id", Kind.TEXT, "seq", Kind.NUMBER));
    f.put("ping", Map.of());
    return f;
  }

  @TestFactory
  Stream<DynamicTest> anyStringIsAFrameOrARefusal() {
    return Fuzz.forAll(
        getClass(),
        "anyStringIsAFrameOrARefusal",
        500,
        anyText(),
        FrameParserFuzzTest::parsesOrRefuses);
  }

  @TestFactory
  Stream<DynamicTest> anyBytesReadAsUtf8AreAFrameOrARefusal() {
    return Fuzz.forAll(
        getClass(),
        "anyBytesReadAsUtf8AreAFrameOrARefusal",
        300,
        Fuzz.bytes(255),
        bytes -> parsesOrRefuses(new String(bytes, StandardCharsets.UTF_8)));
  }

  @TestFactory
  Stream<DynamicTest> anyJsonIsAFrameOrARefusal() {
    return Fuzz.forAll(
        getClass(),
        "anyJsonIsAFrameOrARefusal",
        500,
        JsonFuzz.values(),
        FrameParserFuzzTest::parsesOrRefuses);
  }

  @TestFactory
  Stream<DynamicTest> everyFieldOfEveryFrameTypeWithAnyValueIsAFrameOrARefusal() {
    return Fuzz.forAll(
        getClass(),
        "everyFieldOfEveryFrameTypeWithAnyValueIsAFrameOrARefusal",
        600,
        frameShapedFrames(JsonFuzz.hostileStrings()),
        FrameParserFuzzTest::parsesOrRefuses);
  }

  @TestFactory
  Stream<DynamicTest> documentsPastEveryLimitAreRefused() {
    return Fuzz.forAll(
        getClass(),
        "documentsPastEveryLimitAreRefused",
        100,
        JsonFuzz.brokenDocuments(),
        FrameParserFuzzTest::parsesOrRefuses);
  }

  static Gen<String> anyText() {
    return Fuzz.oneOf(Fuzz.strings(Fuzz.anyChar(), 0, 200), JsonFuzz.hostileStrings());
  }

  /**
   * Objects shaped like one frame type: each field absent, rightly typed or any value at all; type
   * and ref too. Text fields that name something take {@code ids} as often as hostile strings.
   */
  static Gen<String> frameShapedFrames(Gen<String> ids) {
    return Fuzz.of(FRAMES.keySet())
        .flatMap(
            type -> {
              List<Gen<Map.Entry<String, String>>> members = new ArrayList<>();
              members.add(
                  optional(
                      "type",
                      Fuzz.frequency(
                          w(8, Fuzz.just(JsonFuzz.quote(type))), w(1, JsonFuzz.values())),
                      20));
              members.add(
                  optional(
                      "ref",
                      Fuzz.oneOf(JsonFuzz.hostileStrings().map(JsonFuzz::quote), JsonFuzz.values()),
                      2));
              FRAMES
                  .get(type)
                  .forEach(
                      (field, kind) ->
                          members.add(
                              optional(
                                  field,
                                  Fuzz.frequency(
                                      w(
                                          1,
                                          rightlyTyped(
                                              kind,
                                              NAMING.contains(field)
                                                  ? ids
                                                  : JsonFuzz.hostileStrings())),
                                      w(1, JsonFuzz.values())),
                                  3)));
              return r -> {
                Map<String, String> object = new LinkedHashMap<>();
                for (Gen<Map.Entry<String, String>> member : members) {
                  Map.Entry<String, String> e = member.draw(r);
                  if (e != null) {
                    object.put(e.getKey(), e.getValue());
                  }
                }
                return JsonFuzz.object(object);
              };
            });
  }

  /** The field with a value {@code weight} times in {@code weight + 1}, else absent (null). */
  private static Gen<Map.Entry<String, String>> optional(
      String field, Gen<String> value, int weight) {
    return Fuzz.frequency(w(weight, value.map(v -> Map.entry(field, v))), w(1, Fuzz.just(null)));
  }

  private static final List<String> NAMING =
      List.of("room_id", "message_id", "reply_to", "attachments");

  private static Gen<String> rightlyTyped(Kind kind, Gen<String> texts) {
    Gen<String> text = Fuzz.oneOf(texts, JsonFuzz.hostileStrings()).map(JsonFuzz::quote);
    return switch (kind) {
      case TEXT -> text;
      case NUMBER -> JsonFuzz.numberLiterals();
      case BOOL -> Fuzz.of("true", "false");
      case TEXTS -> text.list(3).map(l -> "[" + String.join(",", l) + "]");
    };
  }

  // ---- the property ----

  static void parsesOrRefuses(String text) {
    ClientFrame frame;
    try {
      frame = FrameParser.parse(text);
    } catch (FrameParser.Invalid refusal) {
      assertIsASpecRefusal(refusal);
      return;
    } catch (Throwable t) {
      throw new AssertionError("the frame parser threw " + t + " instead of refusing the frame", t);
    }
    assertIsWhole(frame);
  }

  static void assertIsASpecRefusal(FrameParser.Invalid refusal) {
    assertThat(refusal.error.code()).isIn("bad_request", "validation_failed");
    assertThat(refusal.error.status())
        .isEqualTo(refusal.error.code().equals("bad_request") ? 400 : 422);
    assertThat(refusal.error.getMessage()).isNotBlank();
    assertThat(refusal.error.details())
        .allSatisfy((k, v) -> assertThat(v).isInstanceOf(String.class));
    assertThat(refusal.ref == null || storable(refusal.ref)).as("ref is storable text").isTrue();
    JsonNode frame = written(Frames.error(refusal.ref, refusal.error));
    assertThat(frame.get("type").asText()).isEqualTo("error");
    assertThat(frame.get("ref").isNull() ? null : frame.get("ref").asText()).isEqualTo(refusal.ref);
    assertThat(frame.at("/error/code").asText()).isEqualTo(refusal.error.code());
    assertThat(frame.at("/error/message").asText())
        .as("the message as written")
        .isEqualTo(refusal.error.getMessage());
    assertThat(frame.at("/error/details").isObject()).isTrue();
  }

  /**
   * The JSON of a server frame (a whole unmasked text frame), read strictly: UTF-8 and JSON both
   * checked.
   */
  static JsonNode written(ByteBuf wire) {
    try {
      int len = wire.getUnsignedByte(1);
      int header = len <= 125 ? 2 : len == 126 ? 4 : 10;
      byte[] json = new byte[wire.readableBytes() - header];
      wire.getBytes(header, json);
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(json))
              .toString();
      return STRICT.readTree(text);
    } catch (CharacterCodingException e) {
      throw new AssertionError("the error frame is not UTF-8", e);
    } catch (Exception e) {
      throw new AssertionError("the error frame is not JSON", e);
    } finally {
      wire.release();
    }
  }

  /** A parsed frame has every required field, and only text a database stores as it is. */
  private static void assertIsWhole(ClientFrame frame) {
    List<Object> required =
        switch (frame) {
          case ClientFrame.Auth a -> List.of(a.token());
          case ClientFrame.JoinRoom j -> List.of(j.roomId());
          case ClientFrame.LeaveRoom l -> List.of(l.roomId());
          case ClientFrame.SendMessage s -> List.of(s.roomId(), s.body(), s.clientId());
          case ClientFrame.EditMessage e -> List.of(e.roomId(), e.messageId(), e.body());
          case ClientFrame.DeleteMessage d -> List.of(d.roomId(), d.messageId());
          case ClientFrame.React r -> List.of(r.roomId(), r.messageId(), r.emoji());
          case ClientFrame.Typing t -> List.of(t.roomId());
          case ClientFrame.Read r -> List.of(r.roomId(), r.seq());
          case ClientFrame.Ping ignored -> List.of();
        };
    assertThat(required).doesNotContainNull();
    List<String> texts = new ArrayList<>();
    required.forEach(
        v -> {
          if (v instanceof String s) {
            texts.add(s);
          }
        });
    if (frame.ref() != null) {
      texts.add(frame.ref());
    }
    if (frame instanceof ClientFrame.SendMessage s) {
      if (s.replyTo() != null) {
        texts.add(s.replyTo());
      }
      if (s.attachments() != null) {
        texts.addAll(s.attachments());
      }
    }
    assertThat(texts).allSatisfy(t -> assertThat(storable(t)).as("storable text: %s", t).isTrue());
    if (frame instanceof ClientFrame.JoinRoom j && j.sinceSeq() != null) {
      assertThat(j.sinceSeq()).isNotNegative();
    }
    if (frame instanceof ClientFrame.Read r) {
      assertThat(r.seq()).isNotNegative();
    }
  }

  /**
   * Text a database stores as it is: no NUL (PostgreSQL refuses it), and a UTF-8 form (no unpaired
   * surrogate).
   */
  static boolean storable(String s) {
    return s.indexOf('\0') < 0 && StandardCharsets.UTF_8.newEncoder().canEncode(s);
  }
}
