package dev.banter.http;

import static dev.banter.support.Fuzz.w;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.auth.AuthRoutes;
import dev.banter.auth.InviteRoutes;
import dev.banter.auth.PasswordResetRoutes;
import dev.banter.messages.MessageRoutes;
import dev.banter.ops.AdminRoutes;
import dev.banter.push.PushRoutes;
import dev.banter.rooms.RoomRoutes;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.Fuzz;
import dev.banter.support.FuzzHttp;
import dev.banter.support.Gen;
import dev.banter.support.JsonFuzz;
import dev.banter.support.LeakWatch;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * SPEC §1 over real HTTP, for every route the server has (taken from its own route table): any
 * body, any query string, signed in or not, never gets a 500 — the answer is the SPEC §1 error
 * shape or a 2xx, as JSON — and a body that is not even of the right types changes nothing stored.
 * Paths name real rooms, messages and users most of the time, so requests get past the lookups.
 */
abstract class RestFuzzContract {
  /** The status each SPEC §1 code comes with (and 405, docs/decisions.md "Errors"). */
  static final Map<String, Integer> CODES =
      Map.ofEntries(
          Map.entry("bad_request", 400),
          Map.entry("unauthorized", 401),
          Map.entry("forbidden", 403),
          Map.entry("not_found", 404),
          Map.entry("method_not_allowed", 405),
          Map.entry("conflict", 409),
          Map.entry("payload_too_large", 413),
          Map.entry("validation_failed", 422),
          Map.entry("rate_limited", 429),
          Map.entry("unavailable", 503));

  /** Every field of every JSON body the API reads, found in the routes' body records. */
  static final List<String> FIELDS =
      bodyFields(
          AuthRoutes.class,
          RoomRoutes.class,
          MessageRoutes.class,
          AdminRoutes.class,
          PushRoutes.class,
          InviteRoutes.class,
          PasswordResetRoutes.class);

  /** What a request may change; compared whole before and after a refused one. */
  private static final List<String> TABLES =
      List.of(
          "users",
          "rooms",
          "room_members",
          "messages",
          "reactions",
          "token_families",
          "refresh_tokens",
          "uploads",
          "message_attachments",
          "push_subscriptions",
          "invites",
          "password_resets",
          "audit_log");

  private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Caller {
    NOBODY,
    USER,
    ADMIN,
    FORGED
  }

  /** A route as a failure report shows it. */
  record Endpoint(Route route) {
    String method() {
      return route.method().name();
    }

    @Override
    public String toString() {
      return route.method() + " " + route.template();
    }
  }

  private static LeakWatch leaks;
  private static TestServer server;
  private static FuzzHttp http;

  /**
   * One connection to the server's database for the whole run (PostgreSQL connections are slow to
   * open).
   */
  private static Handle db;

  private static Account admin;
  private static Account user;
  private static Map<String, String> fixture;
  private static List<Endpoint> routes;
  private static List<Endpoint> bodyRoutes;

  /** Starts the server the properties run against; each backend's test class calls it first. */
  static void startOn(Backend backend) {
    leaks = LeakWatch.install();
    server =
        TestServer.start(
            backend,
            Map.of(
                "BANTER_MESSAGE_RATE",
                "100000",
                "BANTER_MESSAGE_BURST",
                "100000",
                "BANTER_GUEST_ACCESS",
                "true"));
    http = new FuzzHttp(server.port());
    db = server.db().open();
    Api api = server.api();
    admin = api.register("admin"); // the first account is an admin
    user = api.register("user");
    Account victim = api.register("victim");
    String room = api.createRoom(admin, "public");
    api.invite(admin, room, user);
    api.invite(admin, room, victim);
    String message = api.say(user, room, "hello").get("id").asText();
    fixture =
        Map.of(
            "id",
            room,
            "message_id",
            message,
            "username",
            victim.username(),
            "emoji",
            "👍",
            "file",
            "index.html");
    routes =
        server.banter().routes().stream()
            .filter(r -> Set.of("GET", "POST", "PUT", "PATCH").contains(r.method().name()))
            .filter(r -> !r.template().equals(UploadTarget.PATH))
            .map(Endpoint::new)
            .toList();
    // A route reads a body when a non-object one is refused as such; with paths naming nothing,
    // no other route can change anything while this is found out.
    bodyRoutes =
        routes.stream()
            .filter(r -> !r.method().equals("GET"))
            .filter(
                r -> {
                  FuzzHttp.Reply reply =
                      http.send(
                          r.method(), path(r, Map.of()), headers(Caller.USER), "[]".getBytes());
                  return reply.status() == 400 && reply.text().contains("must be a JSON object");
                })
            .toList();
    assertThat(bodyRoutes)
        .map(Endpoint::toString)
        .contains("POST /api/v1/rooms", "POST /api/v1/auth/register");
  }

  static void stopAndCheckForLeaks() {
    db.close();
    http.close();
    server.close();
    try {
      assertThat(leaks.collect()).as("buffers Netty's leak detector found unreleased").isEmpty();
    } finally {
      leaks.close();
    }
  }

  // ---- the properties ----

  record AnyBody(Endpoint route, byte[] body, Caller caller, boolean realPath) {}

  @TestFactory
  Stream<DynamicTest> anyBodyToAnyRouteIsAnsweredInTheSpecShape() {
    Gen<Endpoint> routes = routes();
    Gen<byte[]> bodies = bodies();
    Gen<Caller> callers = callers();
    Gen<Boolean> realPaths = realPaths();
    return Fuzz.forAll(
        getClass(),
        "anyBodyToAnyRouteIsAnsweredInTheSpecShape",
        300,
        r -> new AnyBody(routes.draw(r), bodies.draw(r), callers.draw(r), realPaths.draw(r)),
        c -> {
          String target = path(c.route(), c.realPath() ? fixture : Map.of());
          assertAnswersInTheSpecShape(
              c.route(),
              target,
              http.send(c.route().method(), target, headers(c.caller()), c.body()));
        });
  }

  record AnyQuery(Endpoint route, String query, Caller caller) {}

  @TestFactory
  Stream<DynamicTest> anyQueryStringToAnyRouteIsAnsweredInTheSpecShape() {
    Gen<Endpoint> routes = routes();
    Gen<String> queries = queries();
    Gen<Caller> callers = callers();
    return Fuzz.forAll(
        getClass(),
        "anyQueryStringToAnyRouteIsAnsweredInTheSpecShape",
        200,
        r -> new AnyQuery(routes.draw(r), queries.draw(r), callers.draw(r)),
        c -> {
          String target = path(c.route(), fixture) + "?" + c.query();
          byte[] body = c.route().method().equals("GET") ? new byte[0] : "{}".getBytes();
          assertAnswersInTheSpecShape(
              c.route(), target, http.send(c.route().method(), target, headers(c.caller()), body));
        });
  }

  record AnySegment(Endpoint route, String segment, Caller caller) {}

  @TestFactory
  Stream<DynamicTest> anyPathSegmentIsAnsweredInTheSpecShape() {
    Gen<Endpoint> routes = routes();
    Gen<String> segments = segments();
    Gen<Caller> callers = callers();
    return Fuzz.forAll(
        getClass(),
        "anyPathSegmentIsAnsweredInTheSpecShape",
        150,
        r -> new AnySegment(routes.draw(r), segments.draw(r), callers.draw(r)),
        c -> {
          String segment = c.segment();
          String template = c.route().route().template();
          String target =
              template.contains("{")
                  ? rawPath(
                      c.route(),
                      Map.of(
                          "id",
                          segment,
                          "message_id",
                          segment,
                          "username",
                          segment,
                          "emoji",
                          segment,
                          "file",
                          segment))
                  : template.replaceAll("/$", "") + "/" + segment;
          byte[] body = c.route().method().equals("GET") ? new byte[0] : "{}".getBytes();
          assertAnswersInTheSpecShape(
              c.route(), target, http.send(c.route().method(), target, headers(c.caller()), body));
        });
  }

  record DangerousText(Endpoint route, String text, Caller caller) {}

  @TestFactory
  Stream<DynamicTest> oneDangerousTextInEveryFieldIsAnsweredInTheSpecShape() {
    Gen<Endpoint> routes = bodyRoutes();
    Gen<String> texts = JsonFuzz.textWithADangerousCharacter();
    Gen<Caller> callers = signedIn();
    return Fuzz.forAll(
        getClass(),
        "oneDangerousTextInEveryFieldIsAnsweredInTheSpecShape",
        100,
        r -> new DangerousText(routes.draw(r), texts.draw(r), callers.draw(r)),
        c -> {
          Map<String, String> object = new LinkedHashMap<>();
          FIELDS.forEach(f -> object.put(f, JsonFuzz.quote(c.text())));
          String target = path(c.route(), fixture);
          assertAnswersInTheSpecShape(
              c.route(),
              target,
              http.send(
                  c.route().method(), target, headers(c.caller()), utf8(JsonFuzz.object(object))));
        });
  }

  record WrongTypes(Endpoint route, byte[] body, Caller caller) {}

  @TestFactory
  Stream<DynamicTest> aBodyOfWrongTypesIsRefusedAndChangesNothing() {
    Gen<Endpoint> routes = bodyRoutes();
    Gen<byte[]> bodies = wronglyTyped();
    Gen<Caller> callers = signedIn();
    return Fuzz.forAll(
        getClass(),
        "aBodyOfWrongTypesIsRefusedAndChangesNothing",
        150,
        r -> new WrongTypes(routes.draw(r), bodies.draw(r), callers.draw(r)),
        c -> {
          String before = stored();
          String target = path(c.route(), fixture);
          FuzzHttp.Reply reply =
              http.send(c.route().method(), target, headers(c.caller()), c.body());
          assertAnswersInTheSpecShape(c.route(), target, reply);
          assertThat(reply.status())
              .as(
                  "%s %s %s",
                  c.route().method(), target, new String(c.body(), StandardCharsets.UTF_8))
              .isEqualTo(400);
          assertThat(stored())
              .as("what is stored after %s %s", c.route().method(), target)
              .isEqualTo(before);
        });
  }

  record Upload(String contentType, byte[] body, Caller caller) {}

  @TestFactory
  Stream<DynamicTest> anyMultipartUploadIsAnsweredInTheSpecShape() {
    Gen<Upload> uploads = multipart();
    Gen<Caller> callers = callers();
    return Fuzz.forAll(
        getClass(),
        "anyMultipartUploadIsAnsweredInTheSpecShape",
        40,
        r -> {
          Upload u = uploads.draw(r);
          return new Upload(u.contentType(), u.body(), callers.draw(r));
        },
        c -> {
          Map<String, String> headers = new LinkedHashMap<>(headers(c.caller()));
          headers.put("Content-Type", c.contentType());
          FuzzHttp.Reply reply = http.send("POST", UploadTarget.PATH, headers, c.body());
          assertAnswersInTheSpecShape(null, UploadTarget.PATH, reply);
        });
  }

  // ---- what is generated ----

  private static Gen<Endpoint> routes() {
    return Fuzz.of(routes);
  }

  private static Gen<Endpoint> bodyRoutes() {
    return Fuzz.of(bodyRoutes);
  }

  private static Gen<Caller> callers() {
    return Fuzz.of(Caller.values());
  }

  private static Gen<Boolean> realPaths() {
    return Fuzz.frequency(w(4, Fuzz.just(true)), w(1, Fuzz.just(false)));
  }

  private static Gen<Caller> signedIn() {
    return Fuzz.of(Caller.USER, Caller.ADMIN);
  }

  private static Gen<byte[]> bodies() {
    return Fuzz.frequency(
        w(4, JsonFuzz.objectsWith(FIELDS).map(RestFuzzContract::utf8)),
        w(2, JsonFuzz.values().map(RestFuzzContract::utf8)),
        w(1, JsonFuzz.brokenDocuments().map(RestFuzzContract::utf8)),
        w(1, JsonFuzz.invalidUtf8()),
        w(1, Fuzz.bytes(200)));
  }

  private static Gen<byte[]> wronglyTyped() {
    return Fuzz.frequency(
            w(3, JsonFuzz.wronglyTypedObjects(FIELDS)),
            w(1, loneSurrogatesInEveryField()),
            w(
                1,
                Fuzz.of(
                    "[]",
                    "[{}]",
                    "\"{}\"",
                    "1",
                    "true",
                    "null",
                    "{\"body\":\"x\",\"body\":\"y\"}")),
            w(1, JsonFuzz.brokenDocuments()))
        .map(RestFuzzContract::utf8);
  }

  /**
   * Every field a string, each with an unpaired surrogate: the type is right for some, the text
   * never is.
   */
  private static Gen<String> loneSurrogatesInEveryField() {
    return Fuzz.of("\ud800", "x\udbff", "\udc00y", "a\ud83d b")
        .listOfSize(FIELDS.size())
        .map(
            vs -> {
              Map<String, String> object = new LinkedHashMap<>();
              for (int i = 0; i < FIELDS.size(); i++) {
                object.put(FIELDS.get(i), JsonFuzz.quote(vs.get(i)));
              }
              return JsonFuzz.object(object);
            });
  }

  private static Gen<String> queries() {
    Gen<String> keys =
        Fuzz.frequency(
            w(
                4,
                Fuzz.of(
                    "limit",
                    "before",
                    "after",
                    "query",
                    "q",
                    "room_id",
                    "changed_after_rev",
                    "cursor",
                    "token",
                    "since_seq",
                    "state")),
            w(1, JsonFuzz.hostileStrings().map(RestFuzzContract::encoded)));
    Gen<String> values =
        Fuzz.frequency(
            w(3, JsonFuzz.numberLiterals().map(RestFuzzContract::encoded)),
            w(3, JsonFuzz.hostileStrings().map(RestFuzzContract::encoded)),
            w(
                1,
                Fuzz.of(
                    "2026-11-23T10:15:30.123Z",
                    "2026-13-45T99:99:99Z",
                    "-1000000000-01-01T00:00:00Z")),
            w(
                2,
                Fuzz.of(
                    "%",
                    "%z",
                    "%zz",
                    "%ED%A0%80",
                    "%FF%FE",
                    "%00",
                    "%C0%AF",
                    "+",
                    "%2B",
                    "%25",
                    "%u0041",
                    "&",
                    "=",
                    "==",
                    "a%",
                    "%%")));
    Gen<String> pair =
        Fuzz.frequency(
            w(6, r -> keys.draw(r) + "=" + values.draw(r)),
            w(1, keys),
            w(1, values.map(v -> "=" + v)));
    return pair.list(6).map(l -> String.join("&", l));
  }

  /** Path segments: hostile text percent-encoded, and escapes no decoder accepts. */
  private static Gen<String> segments() {
    return Fuzz.frequency(
        w(2, JsonFuzz.hostileStrings().filter(t -> !t.isEmpty()).map(RestFuzzContract::encoded)),
        w(
            2,
            Fuzz.of(
                "%",
                "%z",
                "%zz",
                "%ED%A0%80",
                "%FF%FE",
                "%00",
                "%C0%AF",
                "%2F",
                "%252F",
                "..",
                ".",
                "%2e%2e",
                "a%",
                "%%",
                "%u0041",
                "+",
                ";x=1",
                "me",
                "%F0%9F%91%8D")),
        w(1, JsonFuzz.numberLiterals()));
  }

  /** A Content-Type and a multipart body (the caller is drawn beside it). */
  private static Gen<Upload> multipart() {
    Gen<String> boundary =
        Fuzz.oneOf(
            Fuzz.strings(Fuzz.alphaNumeric(), 1, 70),
            Fuzz.of("", "\"\"", "\"quoted\"", "a b", "x".repeat(200)));
    Gen<String> contentType =
        boundary.flatMap(
            b ->
                Fuzz.of(
                    "multipart/form-data; boundary=" + b,
                    "multipart/form-data",
                    "multipart/form-data; boundary=" + b + "; charset=utf-8",
                    "text/plain",
                    "multipart/mixed; boundary=" + b,
                    "application/json"));
    Gen<String> names = Fuzz.of("file", "other", "", "\"", "file\r\nX: y");
    Gen<String> filenames = JsonFuzz.hostileStrings();
    Gen<String> types = Fuzz.of("image/png", "text/plain", "", "application/x-evil");
    Gen<String> contents = Fuzz.strings(Fuzz.anyChar(), 0, 300);
    Gen<String> part =
        r ->
            "Content-Disposition: form-data; name=\""
                + names.draw(r)
                + "\"; filename=\""
                + filenames.draw(r).replace("\r", "").replace("\n", "")
                + "\"\r\nContent-Type: "
                + types.draw(r)
                + "\r\n\r\n"
                + contents.draw(r);
    Gen<List<String>> parts = part.list(3);
    Gen<String> ends = Fuzz.of("--", "", "garbage");
    return r -> {
      String type = contentType.draw(r);
      List<String> ps = parts.draw(r);
      String end = ends.draw(r);
      String b =
          type.contains("boundary=")
              ? type.replaceAll(".*boundary=([^;]*).*", "$1").replace("\"", "")
              : "x";
      String body =
          ps.stream().map(p -> "--" + b + "\r\n" + p + "\r\n").collect(Collectors.joining())
              + "--"
              + b
              + end
              + "\r\n";
      return new Upload(type, utf8(body), null);
    };
  }

  // ---- the check ----

  /**
   * Never a 500; a refusal is the SPEC §1 error as JSON; an API success is JSON (or 204 with
   * nothing).
   */
  private static void assertAnswersInTheSpecShape(
      Endpoint route, String target, FuzzHttp.Reply reply) {
    String request =
        (route == null ? "POST" : route.method())
            + " "
            + target
            + " → "
            + reply.status()
            + " "
            + reply.text();
    assertThat(reply.status()).as(request).isLessThan(500);
    boolean api = target.startsWith("/api/");
    if (reply.status() == 204 || reply.status() == 304) {
      assertThat(reply.body()).as(request).isEmpty();
      return;
    }
    if (reply.status() < 400 && !api) {
      return; // a page, a document, metrics text
    }
    assertThat(reply.header("Content-Type")).as(request).startsWith("application/json");
    JsonNode json = strictJson(reply.body(), request);
    if (reply.status() >= 400) {
      String code = json.at("/error/code").asText();
      assertThat(code).as(request).isIn(CODES.keySet());
      assertThat(reply.status()).as(request).isEqualTo(CODES.get(code));
      assertThat(json.at("/error/message").isTextual()).as(request).isTrue();
      assertThat(json.at("/error/details").isObject()).as(request).isTrue();
    }
  }

  private static JsonNode strictJson(byte[] body, String request) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
      return JSON.readTree(text);
    } catch (CharacterCodingException e) {
      throw new AssertionError("not UTF-8: " + request, e);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + request, e);
    }
  }

  // ---- helpers ----

  /** The route's path with its {params} from {@code values}, or a name of nothing when absent. */
  private static String path(Endpoint route, Map<String, String> values) {
    return rawPath(
        route,
        values.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> encoded(e.getValue()))));
  }

  /**
   * The route's path with its {params} from {@code raw} as they are (not encoded), else a name of
   * nothing.
   */
  private static String rawPath(Endpoint route, Map<String, String> raw) {
    Matcher m = PARAM.matcher(route.route().template());
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(raw.getOrDefault(m.group(1), "zz-nothing")));
    }
    return m.appendTail(b).toString();
  }

  private static Map<String, String> headers(Caller caller) {
    return switch (caller) {
      case NOBODY -> Map.of("Content-Type", "application/json");
      case USER ->
          Map.of(
              "Content-Type", "application/json", "Authorization", "Bearer " + user.accessToken());
      case ADMIN ->
          Map.of(
              "Content-Type", "application/json", "Authorization", "Bearer " + admin.accessToken());
      case FORGED ->
          Map.of(
              "Content-Type",
              "application/json",
              "Authorization",
              "Bearer " + user.accessToken() + "x");
    };
  }

  /** Everything a request could have changed, as one comparable text. */
  private static String stored() {
    return TABLES.stream()
        .map(
            t ->
                t
                    + ": "
                    + db.createQuery("SELECT * FROM " + t).mapToMap().stream()
                        .map(
                            row ->
                                new TreeSet<>(
                                        row.entrySet().stream()
                                            .map(
                                                e ->
                                                    e.getKey()
                                                        + "="
                                                        + (e.getValue() instanceof byte[] bytes
                                                            ? HexFormat.of().formatHex(bytes)
                                                            : String.valueOf(e.getValue())))
                                            .toList())
                                    .toString())
                        .sorted()
                        .collect(Collectors.joining("\n")))
        .collect(Collectors.joining("\n\n"));
  }

  private static String encoded(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The snake_case names of the components of every record nested in {@code owners} (the routes'
   * bodies).
   */
  private static List<String> bodyFields(Class<?>... owners) {
    return Stream.of(owners)
        .flatMap(c -> Arrays.stream(c.getDeclaredClasses()))
        .filter(Class::isRecord)
        .flatMap(r -> Arrays.stream(r.getRecordComponents()))
        .map(RecordComponent::getName)
        .map(n -> n.replaceAll("([A-Z])", "_$1").toLowerCase())
        .distinct()
        .sorted()
        .collect(Collectors.toCollection(ArrayList::new));
  }
}
