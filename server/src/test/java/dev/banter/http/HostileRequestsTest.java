package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.FuzzHttp;
import dev.banter.support.LeakWatch;
import dev.banter.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SPEC §1 "a malformed body … never produces a 500 and never changes stored data", on the requests
 * the fuzzer (RestFuzzContract) found answered with a 500 or not answered at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private TestServer sqlite;
  private TestServer postgres;
  private Account alice;
  private String room;
  private Account bob;
  private String bobsRoom;

  @BeforeAll
  void start() {
    sqlite = TestServer.start(Backend.SQLITE);
    Api api = sqlite.api();
    alice = api.register("alice");
    room = api.createRoom(alice, "public");
    postgres = TestServer.start(Backend.POSTGRES);
    bob = postgres.api().register("bob");
    bobsRoom = postgres.api().createRoom(bob, "public");
  }

  @AfterAll
  void stop() {
    sqlite.close();
    postgres.close();
  }

  private static FuzzHttp.Reply send(
      TestServer server,
      String method,
      String target,
      Account who,
      String contentType,
      byte[] body) {
    Map<String, String> headers =
        who == null
            ? Map.of("Content-Type", contentType)
            : Map.of("Content-Type", contentType, "Authorization", "Bearer " + who.accessToken());
    return new FuzzHttp(server.port()).send(method, target, headers, body);
  }

  private static FuzzHttp.Reply send(
      TestServer server, String method, String target, Account who, String json) {
    return send(
        server, method, target, who, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private static String errorCode(FuzzHttp.Reply reply) throws Exception {
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    JsonNode json = JSON.readTree(reply.body());
    return json.at("/error/code").asText();
  }

  // ---- URIs Netty's decoder refuses: answered, not dropped ----

  @Test
  void aStrayPercentInTheQueryIsABadRequest() throws Exception {
    FuzzHttp.Reply reply = send(sqlite, "GET", "/api/v1/users?query=%", alice, "");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(errorCode(reply)).isEqualTo("bad_request");
  }

  @Test
  void aBrokenEscapeInThePathIsABadRequest() throws Exception {
    FuzzHttp.Reply reply = send(sqlite, "GET", "/api/v1/rooms/%zz", alice, "");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(errorCode(reply)).isEqualTo("bad_request");
  }

  @Test
  void aBrokenEscapeInThePathOfAPostIsABadRequest() throws Exception {
    FuzzHttp.Reply reply = send(sqlite, "POST", "/api/v1/rooms/%/join", alice, "{}");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(errorCode(reply)).isEqualTo("bad_request");
  }

  // ---- text a database cannot store as it is ----

  @Test
  void aLoneSurrogateInAMessageIsABadRequestAndNothingIsStored() throws Exception {
    long before = sqlite.count("messages");
    FuzzHttp.Reply reply =
        send(
            sqlite,
            "POST",
            "/api/v1/rooms/" + room + "/messages",
            alice,
            "{\"body\":\"hi \\ud800\"}");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(errorCode(reply)).isEqualTo("bad_request");
    assertThat(sqlite.count("messages")).isEqualTo(before);
  }

  @Test
  void aNulInAMessageOnPostgresIsABadRequestNotA500() throws Exception {
    long before = postgres.count("messages");
    for (String body :
        new String[] {
          "{\"body\":\"a\\u0000b\"}",
          "{\"body\":\"ok\",\"reply_to\":\"a\\u0000b\"}",
          "{\"body\":\"ok\",\"attachments\":[\"a\\u0000b\"]}"
        }) {
      FuzzHttp.Reply reply =
          send(postgres, "POST", "/api/v1/rooms/" + bobsRoom + "/messages", bob, body);
      assertThat(reply.status()).as(body).isEqualTo(400);
      assertThat(errorCode(reply)).as(body).isEqualTo("bad_request");
    }
    assertThat(postgres.count("messages")).isEqualTo(before);
  }

  @Test
  void aNulInALoginOnPostgresIsABadRequestNotA500() throws Exception {
    FuzzHttp.Reply reply =
        send(
            postgres,
            "POST",
            "/api/v1/auth/login",
            null,
            "{\"username\":\"a\\u0000b\",\"password\":\"long enough\"}");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(errorCode(reply)).isEqualTo("bad_request");
  }

  @Test
  void aNulInAPathSegmentOnPostgresIsAValidationErrorNotA500() throws Exception {
    for (String path :
        new String[] {
          "/api/v1/rooms/a%00b",
          "/api/v1/users/a%00b",
          "/api/v1/rooms/" + bobsRoom + "/messages/a%00b/reactions/%F0%9F%91%8D"
        }) {
      FuzzHttp.Reply reply =
          send(postgres, path.contains("reactions") ? "PUT" : "GET", path, bob, "");
      assertThat(reply.status()).as(path).isEqualTo(422);
      assertThat(errorCode(reply)).as(path).isEqualTo("validation_failed");
    }
  }

  @Test
  void aNulInAQueryParameterOnPostgresIsAValidationErrorNotA500() throws Exception {
    for (String target :
        new String[] {
          "/api/v1/users?query=a%00b",
          "/api/v1/rooms/public?query=a%00b",
          "/api/v1/search?q=hello&room_id=a%00b"
        }) {
      FuzzHttp.Reply reply = send(postgres, "GET", target, bob, "");
      assertThat(reply.status()).as(target).isEqualTo(422);
      assertThat(errorCode(reply)).as(target).isEqualTo("validation_failed");
    }
  }

  // ---- uploads Netty's multipart decoder chokes on ----

  @Test
  void anUploadWithAnEmptyBoundaryIsABadRequestNotA500() throws Exception {
    FuzzHttp.Reply reply =
        send(
            sqlite,
            "POST",
            UploadTarget.PATH,
            alice,
            "multipart/form-data; boundary=",
            "----\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(errorCode(reply)).isEqualTo("bad_request");
  }

  @Test
  void aPartWhoseDispositionHasAParameterWithoutAValueIsABadRequestNotA500() throws Exception {
    String body =
        "--a b\r\n"
            + "Content-Disposition: form-data; name; filename=\"x.txt\"\r\n"
            + "Content-Type: text/plain\r\n\r\n"
            + "hello\r\n"
            + "--a b--\r\n";
    FuzzHttp.Reply reply =
        send(
            sqlite,
            "POST",
            UploadTarget.PATH,
            alice,
            "multipart/form-data; boundary=\"a b\"",
            body.getBytes(StandardCharsets.US_ASCII));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(errorCode(reply)).isEqualTo("bad_request");
  }

  @Test
  void anUploadThatIsAFormWithAnOverlongFieldIsABadRequestNotA500() throws Exception {
    FuzzHttp.Reply reply =
        send(
            sqlite,
            "POST",
            UploadTarget.PATH,
            alice,
            "multipart/form-data",
            "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(errorCode(reply)).isEqualTo("bad_request");
  }

  @Test
  void aRefusedUploadLeaksNoBuffer() {
    try (LeakWatch leaks = LeakWatch.install()) {
      for (int i = 0; i < 20; i++) {
        assertThat(
                send(
                        sqlite,
                        "POST",
                        UploadTarget.PATH,
                        alice,
                        "multipart/form-data; boundary=",
                        ("--" + "x".repeat(i * 100) + "\r\n").getBytes(StandardCharsets.US_ASCII))
                    .status())
            .isEqualTo(400);
      }
      assertThat(leaks.collect()).isEmpty();
    }
  }
}
