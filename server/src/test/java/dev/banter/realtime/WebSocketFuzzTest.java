package dev.banter.realtime;

import static dev.banter.support.Fuzz.w;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.Fuzz;
import dev.banter.support.Gen;
import dev.banter.support.JsonFuzz;
import dev.banter.support.LeakWatch;
import dev.banter.support.RawWs;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * SPEC §5 end to end, over one real authenticated WebSocket: whatever a client sends — any JSON,
 * frames of every type with fields of every wrong type, invalid UTF-8, binary frames — the server
 * answers a refusal with an {@code error} frame in the SPEC §1 shape, and the connection stays open
 * (a ping sent after each frame is answered). No buffer leaks on the way.
 */
class WebSocketFuzzTest {
  /** Codes a refusal may carry (SPEC §1); anything else, "internal" above all, is a bug. */
  static final Set<String> CODES =
      Set.of(
          "bad_request",
          "validation_failed",
          "unauthorized",
          "forbidden",
          "not_found",
          "conflict",
          "payload_too_large",
          "rate_limited",
          "unavailable");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger PROBES = new AtomicInteger();

  private static LeakWatch leaks;
  private static TestServer server;
  private static Account alice;
  private static List<String> ids;
  private static RawWs ws;

  @BeforeAll
  static void start() throws IOException {
    leaks = LeakWatch.install();
    server =
        TestServer.start(
            Backend.SQLITE,
            Map.of("BANTER_MESSAGE_RATE", "100000", "BANTER_MESSAGE_BURST", "100000"));
    Api api = server.api();
    alice = api.register("alice");
    String room = api.createRoom(alice, "public");
    String message = api.say(alice, room, "hello").get("id").asText();
    ids = List.of(room, message);
  }

  @AfterAll
  static void stop() throws IOException {
    if (ws != null) {
      ws.close();
    }
    server.close();
    try {
      assertThat(leaks.collect()).as("buffers Netty's leak detector found unreleased").isEmpty();
    } finally {
      leaks.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> anyTextFrameIsAnsweredInTheSpecShapeAndTheConnectionStaysOpen() {
    return Fuzz.forAll(
        getClass(),
        "anyTextFrameIsAnsweredInTheSpecShapeAndTheConnectionStaysOpen",
        300,
        textFrames(),
        text -> {
          byte[] payload = text.getBytes(StandardCharsets.UTF_8);
          List<JsonNode> answers = exchange(RawWsOpcode.TEXT, payload);
          String sent =
              new String(
                  payload, StandardCharsets.UTF_8); // what survives the wire (no lone surrogates)
          try {
            FrameParser.parse(sent);
          } catch (FrameParser.Invalid refusal) {
            assertThat(answers)
                .as("the refusal of %s", sent)
                .anySatisfy(
                    a -> {
                      assertThat(a.get("type").asText()).isEqualTo("error");
                      assertThat(a.get("ref").isNull() ? null : a.get("ref").asText())
                          .isEqualTo(refusal.ref);
                      assertThat(a.at("/error/code").asText()).isEqualTo(refusal.error.code());
                      assertThat(a.at("/error/message").asText())
                          .isEqualTo(refusal.error.getMessage());
                    });
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> textFramesThatAreNotUtf8AreRefusedAndTheConnectionStaysOpen() {
    return Fuzz.forAll(
        getClass(),
        "textFramesThatAreNotUtf8AreRefusedAndTheConnectionStaysOpen",
        60,
        JsonFuzz.invalidUtf8(),
        payload -> {
          List<JsonNode> answers = exchange(RawWsOpcode.TEXT, payload);
          assertThat(answers)
              .anySatisfy(
                  a -> {
                    assertThat(a.at("/error/code").asText()).isEqualTo("bad_request");
                    assertThat(a.get("ref").isNull()).isTrue();
                  });
        });
  }

  @TestFactory
  Stream<DynamicTest> binaryFramesAreRefusedAndTheConnectionStaysOpen() {
    return Fuzz.forAll(
        getClass(),
        "binaryFramesAreRefusedAndTheConnectionStaysOpen",
        40,
        Fuzz.bytes(300),
        payload -> {
          List<JsonNode> answers = exchange(RawWsOpcode.BINARY, payload);
          assertThat(answers)
              .anySatisfy(a -> assertThat(a.at("/error/code").asText()).isEqualTo("bad_request"));
        });
  }

  private static Gen<String> textFrames() {
    Gen<String> named = Fuzz.frequency(w(1, Fuzz.of(ids)), w(1, JsonFuzz.hostileStrings()));
    return Fuzz.frequency(
            w(4, FrameParserFuzzTest.frameShapedFrames(named)),
            w(2, JsonFuzz.values()),
            w(1, JsonFuzz.brokenDocuments()),
            w(1, Fuzz.strings(Fuzz.anyChar(), 0, 100)))
        .filter(t -> t.getBytes(StandardCharsets.UTF_8).length < WsUpgrade.MAX_FRAME_BYTES - 1024);
  }

  // ---- one exchange: the fuzzed frame, then a ping whose pong proves the connection is still open
  // ----

  private enum RawWsOpcode {
    TEXT(0x1),
    BINARY(0x2);

    final int code;

    RawWsOpcode(int code) {
      this.code = code;
    }
  }

  /**
   * Sends {@code payload}, then a ping; returns every text frame that came before the pong, each
   * checked.
   */
  private static List<JsonNode> exchange(RawWsOpcode opcode, byte[] payload) throws IOException {
    RawWs socket = socket();
    String probe = "probe-" + PROBES.incrementAndGet();
    List<JsonNode> answers = new ArrayList<>();
    try {
      socket.sendFrame(opcode.code, payload);
      socket.sendText("{\"type\":\"ping\",\"ref\":\"" + probe + "\"}");
      while (true) {
        RawWs.Frame f = socket.read();
        if (f.opcode() == 0x8) {
          throw new AssertionError("the server closed the connection with " + f.closeCode());
        }
        if (f.opcode() != 0x1) {
          continue; // a heartbeat ping
        }
        JsonNode answer = strictJson(f.payload());
        if ("pong".equals(answer.path("type").asText())
            && probe.equals(answer.path("ref").asText())) {
          return answers;
        }
        assertIsInTheSpecShape(answer);
        answers.add(answer);
      }
    } catch (IOException | AssertionError e) {
      ws = null; // the next try starts on a new connection
      socket.close();
      throw e;
    }
  }

  private static RawWs socket() throws IOException {
    if (ws == null) {
      ws = new RawWs(server.port(), "/ws?token=" + alice.accessToken(), 0);
      while (!strictJson(ws.read().payload()).path("type").asText().equals("ready")) {
        // a presence event may come first
      }
    }
    return ws;
  }

  private static void assertIsInTheSpecShape(JsonNode answer) {
    assertThat(answer.path("type").isTextual()).as("a frame with a type: %s", answer).isTrue();
    if (answer.get("type").asText().equals("error")) {
      assertThat(answer.has("ref")).isTrue();
      assertThat(answer.get("ref").isNull() || answer.get("ref").isTextual()).isTrue();
      assertThat(answer.at("/error/code").asText()).as("the code of %s", answer).isIn(CODES);
      assertThat(answer.at("/error/message").isTextual()).isTrue();
      assertThat(answer.at("/error/details").isObject()).isTrue();
    }
  }

  private static JsonNode strictJson(byte[] payload) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(payload))
              .toString();
      return JSON.readTree(text);
    } catch (CharacterCodingException e) {
      throw new AssertionError("a frame from the server is not UTF-8", e);
    } catch (IOException e) {
      throw new AssertionError("a frame from the server is not JSON", e);
    }
  }
}
