package dev.banter.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.RawWs;
import dev.banter.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5 on frames the fuzzer (WebSocketFuzzTest) found mishandled: refused, nothing stored, the
 * socket open.
 */
class HostileFramesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The next frame of {@code type}, past events such as presence. */
  private static JsonNode next(RawWs ws, String type) throws IOException {
    while (true) {
      JsonNode f = JSON.readTree(ws.read().text());
      if (type.equals(f.path("type").asText())) {
        return f;
      }
    }
  }

  @Test
  void aTextFrameThatIsNotUtf8IsRefusedNothingIsStoredAndTheConnectionStaysOpen() throws Exception {
    try (TestServer server = TestServer.start(Backend.SQLITE)) {
      Api api = server.api();
      Account alice = api.register("alice");
      String room = api.createRoom(alice, "public");
      long before = server.count("messages");
      try (RawWs ws = new RawWs(server.port(), "/ws?token=" + alice.accessToken(), 0)) {
        next(ws, "ready");
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes(
            ("{\"type\":\"send_message\",\"ref\":\"a1\",\"room_id\":\""
                    + room
                    + "\",\"client_id\":\"c1\","
                    + "\"body\":\"caf")
                .getBytes(StandardCharsets.UTF_8));
        frame.write(0xe9); // é in Latin-1: not UTF-8
        frame.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        ws.sendFrame(0x1, frame.toByteArray());

        JsonNode refusal = next(ws, "error");
        assertThat(refusal.at("/error/code").asText()).isEqualTo("bad_request");
        assertThat(refusal.get("ref").isNull()).isTrue();

        ws.sendText("{\"type\":\"ping\",\"ref\":\"still-there\"}");
        JsonNode pong = next(ws, "pong");
        assertThat(pong.get("ref").asText()).isEqualTo("still-there");
      }
      assertThat(server.count("messages")).isEqualTo(before);
    }
  }
}
