package dev.banter.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.events.ServerEvent;
import dev.banter.support.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Server frames as {@link Frames} serialises them once for every receiver: a whole unmasked text
 * frame (RFC 6455 §5.2) whose header is 2, 4 or 10 bytes by the length of the JSON, which a
 * client's decoder — Netty's own — reads back to the same text; and for every kind of event, the
 * JSON carries its SPEC §5 type and fields.
 */
class FramesTest {
  /** Netty's decoder on the client side: server frames come unmasked. */
  private static final WebSocketDecoderConfig CLIENT =
      WebSocketDecoderConfig.newBuilder()
          .expectMaskedFrames(false)
          .maxFramePayloadLength(1 << 20)
          .build();

  private static LeakWatch leaks;

  @BeforeAll
  static void watchLeaks() {
    leaks = LeakWatch.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    try {
      assertThat(leaks.collect()).as("buffers Netty's leak detector found unreleased").isEmpty();
    } finally {
      leaks.close();
    }
  }

  @ParameterizedTest(name = "{0} bytes of JSON: a {1}-byte header")
  @CsvSource({"0, 2", "1, 2", "125, 2", "126, 4", "127, 4", "65535, 4", "65536, 10", "100000, 10"})
  void theHeaderCarriesTheLengthInItsShortestFormAndAClientReadsTheSameText(
      int length, int header) {
    String text = jsonOf(length);
    ByteBuf frame = Frames.wire(text.getBytes(StandardCharsets.UTF_8));

    assertThat(frame.readableBytes()).as("header + payload").isEqualTo(header + length);
    assertThat(frame.getUnsignedByte(0)).as("FIN + text opcode").isEqualTo((short) 0x81);
    int second = frame.getUnsignedByte(1);
    assertThat(second & 0x80).as("mask bit: a server does not mask").isZero();
    switch (header) {
      case 2 -> assertThat(second).as("7-bit length").isEqualTo(length);
      case 4 -> {
        assertThat(second).as("16-bit length follows").isEqualTo(126);
        assertThat(frame.getUnsignedShort(2)).isEqualTo(length);
      }
      case 10 -> {
        assertThat(second).as("64-bit length follows").isEqualTo(127);
        assertThat(frame.getLong(2)).isEqualTo(length);
      }
      default -> throw new AssertionError("no such header: " + header);
    }

    assertThat(decodedByAClient(frame.retainedDuplicate())).isEqualTo(text);
    assertThat(frame.release()).isTrue();
    assertThat(frame.refCnt()).as("the frame's buffer, released by its last owner").isZero();
  }

  @Test
  void everyKindOfEventHasASampleHere() {
    Set<Class<?>> sampled = new HashSet<>();
    oneOfEachKind().forEach(e -> sampled.add(e.getClass()));
    assertThat(sampled)
        .as("a new kind of ServerEvent needs a sample in oneOfEachKind()")
        .containsExactlyInAnyOrderElementsOf(kinds(ServerEvent.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneOfEachKind")
  void everyKindOfEventIsSentWithItsSpecTypeAndFields(ServerEvent event) {
    Spec spec = specOf(event);
    ByteBuf frame = Frames.of(event);
    JsonNode json = EmbeddedSocket.json(decodedByAClient(frame.retainedDuplicate()));
    assertThat(frame.release()).isTrue();
    assertThat(frame.refCnt()).isZero();

    assertThat(json.path("type").asText()).isEqualTo(spec.type());
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).as("SPEC §5 fields of " + spec.type()).contains(spec.fields());
  }

  /** A frame type and the fields SPEC §5 (and §5.1 for rev) lists for it. */
  private record Spec(String type, String... fields) {}

  /** What SPEC §5 says each kind is sent as; a new kind without a case here does not compile. */
  private static Spec specOf(ServerEvent e) {
    return switch (e) {
      case ServerEvent.NewMessage ignored -> new Spec("new_message", "message");
      case ServerEvent.MessageEdited ignored -> new Spec("message_edited", "message", "rev");
      case ServerEvent.MessageDeleted ignored ->
          new Spec("message_deleted", "room_id", "message_id", "seq", "rev");
      case ServerEvent.Reaction ignored ->
          new Spec("reaction", "room_id", "message_id", "emoji", "user", "on", "rev");
      case ServerEvent.MessageUpdated ignored -> new Spec("message_updated", "message", "rev");
      case ServerEvent.UserJoined ignored -> new Spec("user_joined", "room_id", "user");
      case ServerEvent.UserLeft ignored -> new Spec("user_left", "room_id", "user");
      case ServerEvent.RoomInvited ignored -> new Spec("room_invited", "room");
      case ServerEvent.RoomUpdated ignored -> new Spec("room_updated", "room");
      case ServerEvent.RoomDeleted ignored -> new Spec("room_deleted", "room_id");
      case ServerEvent.ReadReceipt ignored -> new Spec("read_receipt", "room_id", "user", "seq");
      case ServerEvent.Typing ignored -> new Spec("typing", "room_id", "user", "active");
      case ServerEvent.PresenceChanged ignored -> new Spec("presence", "user", "online");
      case ServerEvent.Notification ignored ->
          new Spec("notification", "room_id", "message", "reason");
    };
  }

  static Stream<ServerEvent> oneOfEachKind() {
    Map<String, Object> message =
        Map.of("id", "m1", "room_id", "r1", "seq", 1, "body", "hi", "rev", 3);
    Map<String, Object> user = Map.of("id", "u1", "username", "alice");
    Map<String, Object> room = Map.of("id", "r1", "name", "general");
    return Stream.of(
        new ServerEvent.NewMessage("r1", 1, 1, message, 0),
        new ServerEvent.MessageEdited("r1", "m1", 2, message),
        new ServerEvent.MessageDeleted("r1", "m1", 1, 3),
        new ServerEvent.Reaction("r1", "m1", "👍", "alice", true, 4),
        new ServerEvent.MessageUpdated("r1", "m1", 5, message),
        new ServerEvent.UserJoined("r1", user),
        new ServerEvent.UserLeft("r1", "u1", user, "u2"),
        new ServerEvent.RoomInvited("u1", room, "bob"),
        new ServerEvent.RoomUpdated("r1", room),
        new ServerEvent.RoomDeleted("r1", List.of("u1")),
        new ServerEvent.ReadReceipt("r1", "alice", 1),
        new ServerEvent.Notification(List.of("u1"), "r1", message, "mention"),
        new ServerEvent.Typing("r1", "alice", true),
        new ServerEvent.PresenceChanged("alice", "u1", true, List.of("r1")));
  }

  /** The records a sealed hierarchy permits, through its sealed sub-interfaces. */
  private static Set<Class<?>> kinds(Class<?> sealed) {
    Set<Class<?>> out = new HashSet<>();
    for (Class<?> c : sealed.getPermittedSubclasses()) {
      if (c.isSealed()) {
        out.addAll(kinds(c));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /** JSON of exactly {@code length} bytes: a number, or a string of x's in quotes. */
  private static String jsonOf(int length) {
    return length == 0 ? "" : length == 1 ? "0" : "\"" + "x".repeat(length - 2) + "\"";
  }

  /** {@code wire} (owned) read by a client's WebSocket decoder: one whole text frame, its text. */
  private static String decodedByAClient(ByteBuf wire) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(CLIENT));
    try {
      client.writeInbound(wire);
      TextWebSocketFrame frame = client.readInbound();
      assertThat(frame).as("a text frame").isNotNull();
      try {
        assertThat(frame.isFinalFragment()).isTrue();
        assertThat((Object) client.readInbound()).as("one frame, nothing left over").isNull();
        return frame.text();
      } finally {
        frame.release();
      }
    } finally {
      assertThat(client.finishAndReleaseAll()).as("nothing left in the decoder").isFalse();
    }
  }
}
