package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.banter.events.ServerEvent;
import dev.banter.http.Route;
import dev.banter.support.Api;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.lang.reflect.Field;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API documents are served, parse, and cannot drift from the code: OpenAPI lists exactly the
 * routes the router knows (with their security and rate-limit answers), AsyncAPI names every frame
 * the parser accepts, every event type and every close code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDocsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** SPEC §5's client frames: the parser must accept at least these. */
  private static final Set<String> SPEC_CLIENT_FRAMES =
      Set.of(
          "auth",
          "join_room",
          "leave_room",
          "send_message",
          "edit_message",
          "delete_message",
          "react",
          "typing",
          "read",
          "ping");

  /** SPEC §5's server frames besides the event types of {@link ServerEvent}. */
  private static final Set<String> SPEC_REPLY_FRAMES =
      Set.of("ready", "joined", "left", "ack", "pong", "error");

  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  TestServer server;
  Api api;
  JsonNode openapi;
  JsonNode asyncapi;

  @BeforeAll
  void start() throws Exception {
    server = TestServer.start(Backend.SQLITE);
    api = server.api();
    openapi = YAML.readTree(api.get("/openapi.yaml", null).raw().body());
    asyncapi = YAML.readTree(api.get("/asyncapi.yaml", null).raw().body());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  // ---- OpenAPI ----

  @Test
  void openApiIsVersion31() {
    assertThat(openapi.path("openapi").asText()).startsWith("3.1.");
    assertThat(
            openapi
                .path("components")
                .path("securitySchemes")
                .path("bearerAuth")
                .path("scheme")
                .asText())
        .isEqualTo("bearer");
  }

  /**
   * Every route, the web client's {@code GET /} included, is documented and nothing else is: the
   * web client's other files are served by the static-file fallback, not by routes, so they are not
   * in the router and need no exclusion here.
   */
  @Test
  void openApiListsExactlyTheRoutesTheRouterKnows() {
    Set<String> routed = new TreeSet<>();
    for (Route r : server.banter().routes()) {
      routed.add(r.method().name() + " " + r.template());
    }
    Set<String> documented = new TreeSet<>();
    openapi
        .path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        m -> {
                          if (HTTP_METHODS.contains(m)) {
                            documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                          }
                        }));
    assertThat(documented)
        .as("operations in openapi.yaml")
        .containsExactlyInAnyOrderElementsOf(routed);
    assertThat(routed)
        .contains(
            "GET /openapi.yaml", "GET /asyncapi.yaml", "GET /docs", "GET /health", "GET /ready");
  }

  @Test
  void eachOperationDeclaresItsSecurityParametersAndErrorsAsTheRouterServesIt() {
    for (Route r : server.banter().routes()) {
      String where = r.method().name() + " " + r.template();
      JsonNode pathItem = openapi.path("paths").path(r.template());
      JsonNode op = pathItem.path(r.method().name().toLowerCase(Locale.ROOT));
      JsonNode security = op.has("security") ? op.get("security") : openapi.path("security");
      boolean open = security.isArray() && security.isEmpty();
      assertThat(open).as(where + " is open (security: [])").isEqualTo(!r.authenticated());
      JsonNode responses = op.path("responses");
      if (r.authenticated()) { // open routes may answer 401 too (wrong credentials, a spent refresh
        // token)
        assertThat(responses.has("401")).as(where + " documents 401").isTrue();
      }
      assertThat(responses.has("429"))
          .as(where + " documents 429")
          .isEqualTo(r.budget() != Route.Budget.NONE);
      responses
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().startsWith("4") || e.getKey().startsWith("5")) {
                  assertThat(e.getValue().path("$ref").asText())
                      .as(where + " " + e.getKey() + " uses a shared error response")
                      .startsWith("#/components/responses/");
                }
              });
      Set<String> declared = new TreeSet<>();
      for (JsonNode params : List.of(pathItem.path("parameters"), op.path("parameters"))) {
        for (JsonNode p : params) {
          JsonNode resolved = p.has("$ref") ? resolve(openapi, p.get("$ref").asText()) : p;
          if ("path".equals(resolved.path("in").asText())) {
            declared.add(resolved.path("name").asText());
          }
        }
      }
      assertThat(declared)
          .as(where + " path parameters")
          .containsExactlyInAnyOrderElementsOf(pathParams(r.template()));
    }
  }

  @Test
  void everyErrorResponseUsesTheSharedErrorShape() {
    JsonNode responses = openapi.path("components").path("responses");
    assertThat(responses.fieldNames())
        .toIterable()
        .contains(
            "BadRequest",
            "Unauthorized",
            "Forbidden",
            "NotFound",
            "Conflict",
            "PayloadTooLarge",
            "ValidationFailed",
            "RateLimited",
            "Unavailable");
    responses.forEach(
        r ->
            assertThat(
                    r.path("content").path("application/json").path("schema").path("$ref").asText())
                .isEqualTo("#/components/schemas/Error"));
    JsonNode error =
        openapi.path("components").path("schemas").path("Error").path("properties").path("error");
    assertThat(error.path("required"))
        .extracting(JsonNode::asText)
        .containsExactly("code", "message", "details");
  }

  @Test
  void everyReferenceInBothDocumentsResolves() {
    for (JsonNode doc : List.of(openapi, asyncapi)) {
      List<String> refs = new ArrayList<>();
      collectRefs(doc, refs);
      assertThat(refs).isNotEmpty();
      for (String ref : refs) {
        assertThat(resolve(doc, ref).isMissingNode()).as("unresolved " + ref).isFalse();
      }
    }
  }

  /** The fields of real responses are exactly the properties their documented schemas list. */
  @Test
  void responseSchemasListTheFieldsTheServerSends() {
    Api.Account alice = api.register("docs");
    String token = alice.accessToken();
    String room = api.createRoom(alice, "public");
    JsonNode message = api.say(alice, room, "hello");
    Reply session =
        api.post(
            "/api/v1/auth/login",
            Map.of("username", alice.username(), "password", alice.password()),
            null);

    assertFieldsMatch(session.json(), "Session");
    assertFieldsMatch(session.json().get("user"), "User");
    assertFieldsMatch(api.get("/api/v1/auth/me", token).json(), "User");
    assertFieldsMatch(api.get("/api/v1/users/me", token).json(), "Profile");
    assertFieldsMatch(api.get("/api/v1/rooms/" + room, token).json(), "Room");
    assertFieldsMatch(
        api.get("/api/v1/rooms", token).json().get("rooms").get(0), "RoomWithLastMessage");
    assertFieldsMatch(
        api.get("/api/v1/rooms/" + room + "/members", token).json().get("members").get(0),
        "Member");
    assertFieldsMatch(message, "Message");
    assertFieldsMatch(message.get("author"), "UserSummary");
    assertFieldsMatch(api.get("/api/v1/rooms/" + room + "/messages", token).json(), "MessagePage");
    assertFieldsMatch(api.get("/health", null).json(), "Health");
    assertFieldsMatch(api.get("/ready", null).json(), "Readiness");
    assertFieldsMatch(api.get("/api/v1/rooms/nope", token).json(), "Error");
  }

  private void assertFieldsMatch(JsonNode actual, String schema) {
    Set<String> sent = iterable(actual);
    assertThat(sent)
        .as("fields of a " + schema)
        .containsExactlyInAnyOrderElementsOf(
            properties(openapi.path("components").path("schemas").path(schema)));
  }

  private Set<String> properties(JsonNode schema) {
    Set<String> out = new TreeSet<>(iterable(schema.path("properties")));
    for (JsonNode part : schema.path("allOf")) {
      out.addAll(properties(part.has("$ref") ? resolve(openapi, part.get("$ref").asText()) : part));
    }
    return out;
  }

  // ---- AsyncAPI ----

  @Test
  void asyncApiIsVersion300AndDescribesTheWebSocket() {
    assertThat(asyncapi.path("asyncapi").asText()).isEqualTo("3.0.0");
    assertThat(asyncapi.path("channels").path("ws").path("address").asText()).isEqualTo("/ws");
  }

  @Test
  void asyncApiNamesEveryFrameTheParserAcceptsAndEveryEventType() throws Exception {
    Set<String> documented = new TreeSet<>();
    asyncapi
        .path("components")
        .path("messages")
        .forEach(
            m ->
                documented.add(
                    m.path("payload").path("properties").path("type").path("const").asText()));

    Set<String> parsed = new TreeSet<>();
    Matcher cases =
        Pattern.compile("case \"([a-z_]+)\" ->")
            .matcher(
                Files.readString(Path.of("src/main/java/dev/banter/realtime/FrameParser.java")));
    while (cases.find()) {
      parsed.add(cases.group(1));
    }
    assertThat(parsed).as("frame types in FrameParser's switch").containsAll(SPEC_CLIENT_FRAMES);
    assertThat(documented).as("client frames").containsAll(parsed);

    Set<String> events = new TreeSet<>();
    for (JsonSubTypes.Type t : ServerEvent.class.getAnnotation(JsonSubTypes.class).value()) {
      events.add(t.name());
    }
    assertThat(events)
        .as("every kind of event has its frame type")
        .hasSize(
            ServerEvent.class.getPermittedSubclasses().length
                + ServerEvent.Change.class.getPermittedSubclasses().length
                - 1);
    assertThat(events).hasSizeGreaterThanOrEqualTo(12);
    assertThat(documented).as("event types").containsAll(events);
    assertThat(documented).as("reply frames").containsAll(SPEC_REPLY_FRAMES);

    // every message is on the channel and used by an operation
    Set<String> onChannel = new TreeSet<>();
    asyncapi
        .path("channels")
        .path("ws")
        .path("messages")
        .fieldNames()
        .forEachRemaining(onChannel::add);
    assertThat(onChannel)
        .containsExactlyInAnyOrderElementsOf(
            iterable(asyncapi.path("components").path("messages")));
    Set<String> used = new TreeSet<>();
    asyncapi
        .path("operations")
        .forEach(
            op ->
                op.path("messages")
                    .forEach(
                        m ->
                            used.add(
                                m.path("$ref").asText().replace("#/channels/ws/messages/", ""))));
    assertThat(used).containsExactlyInAnyOrderElementsOf(onChannel);
  }

  @Test
  void asyncApiDescribesEveryCloseCode() throws Exception {
    String description = asyncapi.path("info").path("description").asText();
    Class<?> closeCode = Class.forName("dev.banter.realtime.CloseCode");
    Field code = closeCode.getDeclaredField("code");
    code.setAccessible(true);
    List<Integer> codes = new ArrayList<>();
    for (Object c : closeCode.getEnumConstants()) {
      codes.add(code.getInt(c));
    }
    assertThat(codes).contains(1000, 1001, 1009, 4000, 4001, 4003, 4008, 4029);
    for (int c : codes) {
      assertThat(description).as("close code " + c).contains("| " + c + " |");
    }
  }

  // ---- serving ----

  @Test
  void theDocumentsAreServedAsYaml() {
    for (String path : List.of("/openapi.yaml", "/asyncapi.yaml")) {
      Reply r = api.get(path, null);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.header("Content-Type")).as(path).isEqualTo("application/yaml; charset=utf-8");
      assertThat(r.header("ETag")).as(path).isNotBlank();
    }
  }

  @Test
  void swaggerUiIsServedWithAStrictPolicyAndNoInlineScript() {
    Reply page = api.get("/docs", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    String csp = page.header("Content-Security-Policy");
    assertThat(csp)
        .contains("script-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    String html = page.raw().body();
    assertThat(
            Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE)
                .matcher(html)
                .find())
        .as("an inline <script>")
        .isFalse();
    assertThat(html).doesNotContain(" style=").doesNotContain("<style");

    Matcher refs = Pattern.compile("(?:src|href)=\"(/docs/[^\"]+)\"").matcher(html);
    List<String> files = new ArrayList<>();
    while (refs.find()) {
      files.add(refs.group(1));
    }
    assertThat(files)
        .contains("/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/init.js");
    for (String f : files) {
      Reply r = api.get(f, null);
      assertThat(r.status()).as(f).isEqualTo(200);
      String expected =
          f.endsWith(".js") ? "text/javascript" : f.endsWith(".css") ? "text/css" : "image/png";
      assertThat(r.header("Content-Type")).as(f).startsWith(expected);
    }
    assertThat(api.get("/docs/init.js", null).raw().body())
        .contains("SwaggerUIBundle", "'/openapi.yaml'");
    assertThat(api.get("/docs/swagger-ui-bundle.js", null).raw().body())
        .contains("SwaggerUIBundle");
  }

  @Test
  void onlyTheAllowListedFilesAreServedUnderDocs() {
    for (String path :
        List.of(
            "/docs/oauth2-redirect.html",
            "/docs/swagger-initializer.js",
            "/docs/index.html",
            "/docs/..%2fopenapi.yaml",
            "/docs/%2e%2e%2f%2e%2e%2fweb%2findex.html")) {
      Reply r = api.get(path, null);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.errorCode()).as(path).isEqualTo("not_found");
    }
  }

  @Test
  void anUnchangedFileIsA304() {
    String etag = api.get("/docs/swagger-ui.css", null).header("ETag");
    HttpRequest.Builder again =
        api.builder("/docs/swagger-ui.css", null).header("If-None-Match", etag).GET();
    Reply r = api.send(again);
    assertThat(r.status()).isEqualTo(304);
    assertThat(r.raw().body()).isEmpty();
  }

  // ---- helpers ----

  private static Set<String> pathParams(String template) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static JsonNode resolve(JsonNode doc, String ref) {
    assertThat(ref).as("only local references").startsWith("#/");
    JsonNode node = doc;
    for (String part : ref.substring(2).split("/")) {
      node = node.path(part.replace("~1", "/").replace("~0", "~"));
    }
    return node;
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                  out.add(e.getValue().asText());
                } else {
                  collectRefs(e.getValue(), out);
                }
              });
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, out));
    }
  }

  private static Set<String> iterable(JsonNode object) {
    Set<String> out = new TreeSet<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
