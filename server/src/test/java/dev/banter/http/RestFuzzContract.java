package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.auth.AuthRoutes;
import dev.banter.messages.MessageRoutes;
import dev.banter.ops.AdminRoutes;
import dev.banter.rooms.RoomRoutes;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.FuzzBudget;
import dev.banter.support.JsonFuzz;
import dev.banter.support.LeakWatch;
import dev.banter.support.FuzzHttp;
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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.jdbi.v3.core.Handle;

/**
 * SPEC §1 over real HTTP, for every route the server has (taken from its own route table): any
 * body, any query string, signed in or not, never gets a 500 — the answer is the SPEC §1 error
 * shape or a 2xx, as JSON — and a body that is not even of the right types changes nothing stored.
 * Paths name real rooms, messages and users most of the time, so requests get past the lookups.
 */
@AddLifecycleHook(FuzzBudget.class)
abstract class RestFuzzContract {
  /** The status each SPEC §1 code comes with (and 405, docs/decisions.md "Errors"). */
  static final Map<String, Integer> CODES = Map.ofEntries(Map.entry("bad_request", 400), Map.entry("unauthorized", 401),
      Map.entry("forbidden", 403), Map.entry("not_found", 404), Map.entry("method_not_allowed", 405),
      Map.entry("conflict", 409), Map.entry("payload_too_large", 413), Map.entry("validation_failed", 422),
      Map.entry("rate_limited", 429), Map.entry("unavailable", 503));
  /** Every field of every JSON body the API reads, found in the routes' body records. */
  static final List<String> FIELDS = bodyFields(AuthRoutes.class, RoomRoutes.class, MessageRoutes.class,
      AdminRoutes.class);
  /** What a request may change; compared whole before and after a refused one. */
  private static final List<String> TABLES = List.of("users", "rooms", "room_members", "messages", "reactions",
      "token_families", "refresh_tokens", "uploads", "message_attachments");
  private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Caller { NOBODY, USER, ADMIN, FORGED }

  /** A route as jqwik reports it in a failing sample. */
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
  /** One connection to the server's database for the whole run (PostgreSQL connections are slow to open). */
  private static Handle db;
  private static Account admin;
  private static Account user;
  private static Map<String, String> fixture;
  private static List<Endpoint> routes;
  private static List<Endpoint> bodyRoutes;

  /** Starts the server the properties run against; each backend's container calls it first. */
  static void startOn(Backend backend) {
    leaks = LeakWatch.install();
    server = TestServer.start(backend, Map.of("BANTER_MESSAGE_RATE", "100000", "BANTER_MESSAGE_BURST", "100000",
        "BANTER_GUEST_ACCESS", "true"));
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
    fixture = Map.of("id", room, "message_id", message, "username", victim.username(), "emoji", "👍",
        "file", "index.html");
    routes = server.banter().routes().stream()
        .filter(r -> Set.of("GET", "POST", "PUT", "PATCH").contains(r.method().name()))
        .filter(r -> !r.template().equals(UploadTarget.PATH))
        .map(Endpoint::new)
        .toList();
    // A route reads a body when a non-object one is refused as such; with paths naming nothing,
    // no other route can change anything while this is found out.
    bodyRoutes = routes.stream().filter(r -> !r.method().equals("GET")).filter(r -> {
      FuzzHttp.Reply reply = http.send(r.method(), path(r, Map.of()), headers(Caller.USER), "[]".getBytes());
      return reply.status() == 400 && reply.text().contains("must be a JSON object");
    }).toList();
    assertThat(bodyRoutes).map(Endpoint::toString).contains("POST /api/v1/rooms", "POST /api/v1/auth/register");
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

  @Property(tries = 300)
  void anyBodyToAnyRouteIsAnsweredInTheSpecShape(@ForAll("routes") Endpoint route, @ForAll("bodies") byte[] body,
      @ForAll Caller caller, @ForAll("realPaths") boolean realPath) {
    String target = path(route, realPath ? fixture : Map.of());
    assertAnswersInTheSpecShape(route, target, http.send(route.method(), target, headers(caller), body));
  }

  @Property(tries = 200)
  void anyQueryStringToAnyRouteIsAnsweredInTheSpecShape(@ForAll("routes") Endpoint route,
      @ForAll("queries") String query, @ForAll Caller caller) {
    String target = path(route, fixture) + "?" + query;
    byte[] body = route.method().equals("GET") ? new byte[0] : "{}".getBytes();
    assertAnswersInTheSpecShape(route, target, http.send(route.method(), target, headers(caller), body));
  }

  @Property(tries = 150)
  void anyPathSegmentIsAnsweredInTheSpecShape(@ForAll("routes") Endpoint route, @ForAll("segments") String segment,
      @ForAll Caller caller) {
    String template = route.route().template();
    String target = template.contains("{") ? rawPath(route, Map.of("id", segment, "message_id", segment,
        "username", segment, "emoji", segment, "file", segment)) : template.replaceAll("/$", "") + "/" + segment;
    byte[] body = route.method().equals("GET") ? new byte[0] : "{}".getBytes();
    assertAnswersInTheSpecShape(route, target, http.send(route.method(), target, headers(caller), body));
  }

  @Property(tries = 100)
  void oneDangerousTextInEveryFieldIsAnsweredInTheSpecShape(@ForAll("bodyRoutes") Endpoint route,
      @ForAll("dangerousText") String text, @ForAll("signedIn") Caller caller) {
    Map<String, String> object = new LinkedHashMap<>();
    FIELDS.forEach(f -> object.put(f, JsonFuzz.quote(text)));
    String target = path(route, fixture);
    assertAnswersInTheSpecShape(route, target,
        http.send(route.method(), target, headers(caller), utf8(JsonFuzz.object(object))));
  }

  @Property(tries = 150)
  void aBodyOfWrongTypesIsRefusedAndChangesNothing(@ForAll("bodyRoutes") Endpoint route,
      @ForAll("wronglyTyped") byte[] body, @ForAll("signedIn") Caller caller) {
    String before = stored();
    String target = path(route, fixture);
    FuzzHttp.Reply reply = http.send(route.method(), target, headers(caller), body);
    assertAnswersInTheSpecShape(route, target, reply);
    assertThat(reply.status()).as("%s %s %s", route.method(), target, new String(body, StandardCharsets.UTF_8))
        .isEqualTo(400);
    assertThat(stored()).as("what is stored after %s %s", route.method(), target).isEqualTo(before);
  }

  @Property(tries = 40)
  void anyMultipartUploadIsAnsweredInTheSpecShape(@ForAll("multipart") Tuple2<String, byte[]> upload,
      @ForAll Caller caller) {
    Map<String, String> headers = new LinkedHashMap<>(headers(caller));
    headers.put("Content-Type", upload.get1());
    FuzzHttp.Reply reply = http.send("POST", UploadTarget.PATH, headers, upload.get2());
    assertAnswersInTheSpecShape(null, UploadTarget.PATH, reply);
  }

  // ---- what is generated ----

  @Provide
  Arbitrary<Endpoint> routes() {
    return Arbitraries.of(routes);
  }

  @Provide
  Arbitrary<Endpoint> bodyRoutes() {
    return Arbitraries.of(bodyRoutes);
  }

  @Provide
  Arbitrary<Boolean> realPaths() {
    return Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false));
  }

  @Provide
  Arbitrary<Caller> signedIn() {
    return Arbitraries.of(Caller.USER, Caller.ADMIN);
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, JsonFuzz.objectsWith(FIELDS).map(RestFuzzContract::utf8)),
        Tuple.of(2, JsonFuzz.values().map(RestFuzzContract::utf8)),
        Tuple.of(1, JsonFuzz.brokenDocuments().map(RestFuzzContract::utf8)),
        Tuple.of(1, JsonFuzz.invalidUtf8()),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)));
  }

  @Provide
  Arbitrary<String> dangerousText() {
    return JsonFuzz.textWithADangerousCharacter();
  }

  @Provide
  Arbitrary<byte[]> wronglyTyped() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, JsonFuzz.wronglyTypedObjects(FIELDS)),
        Tuple.of(1, loneSurrogatesInEveryField()),
        Tuple.of(1, Arbitraries.of("[]", "[{}]", "\"{}\"", "1", "true", "null", "{\"body\":\"x\",\"body\":\"y\"}")),
        Tuple.of(1, JsonFuzz.brokenDocuments()))
        .map(RestFuzzContract::utf8);
  }

  /** Every field a string, each with an unpaired surrogate: the type is right for some, the text never is. */
  private static Arbitrary<String> loneSurrogatesInEveryField() {
    return Arbitraries.of("\ud800", "x\udbff", "\udc00y", "a\ud83d b").list().ofSize(FIELDS.size()).map(vs -> {
      Map<String, String> object = new LinkedHashMap<>();
      for (int i = 0; i < FIELDS.size(); i++) {
        object.put(FIELDS.get(i), JsonFuzz.quote(vs.get(i)));
      }
      return JsonFuzz.object(object);
    });
  }

  @Provide
  Arbitrary<String> queries() {
    Arbitrary<String> keys = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("limit", "before", "after", "query", "q", "room_id", "changed_after_rev", "cursor",
            "token", "since_seq", "state")),
        Tuple.of(1, JsonFuzz.hostileStrings().map(RestFuzzContract::encoded)));
    Arbitrary<String> values = Arbitraries.frequencyOf(
        Tuple.of(3, JsonFuzz.numberLiterals().map(RestFuzzContract::encoded)),
        Tuple.of(3, JsonFuzz.hostileStrings().map(RestFuzzContract::encoded)),
        Tuple.of(1, Arbitraries.of("2026-11-23T10:15:30.123Z", "2026-13-45T99:99:99Z", "-1000000000-01-01T00:00:00Z")),
        Tuple.of(2, Arbitraries.of("%", "%z", "%zz", "%ED%A0%80", "%FF%FE", "%00", "%C0%AF", "+", "%2B", "%25",
            "%u0041", "&", "=", "==", "a%", "%%")));
    Arbitrary<String> pair = Arbitraries.frequencyOf(
        Tuple.of(6, Combinators.combine(keys, values).as((k, v) -> k + "=" + v)),
        Tuple.of(1, keys),
        Tuple.of(1, values.map(v -> "=" + v)));
    return pair.list().ofMaxSize(6).map(l -> String.join("&", l));
  }

  /** Path segments: hostile text percent-encoded, and escapes no decoder accepts. */
  @Provide
  Arbitrary<String> segments() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, JsonFuzz.hostileStrings().filter(t -> !t.isEmpty()).map(RestFuzzContract::encoded)),
        Tuple.of(2, Arbitraries.of("%", "%z", "%zz", "%ED%A0%80", "%FF%FE", "%00", "%C0%AF", "%2F", "%252F", "..",
            ".", "%2e%2e", "a%", "%%", "%u0041", "+", ";x=1", "me", "%F0%9F%91%8D")),
        Tuple.of(1, JsonFuzz.numberLiterals()));
  }

  @Provide
  Arbitrary<Tuple2<String, byte[]>> multipart() {
    Arbitrary<String> boundary = Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(70),
        Arbitraries.of("", "\"\"", "\"quoted\"", "a b", "x".repeat(200)));
    Arbitrary<String> contentType = boundary.flatMap(b -> Arbitraries.of("multipart/form-data; boundary=" + b,
        "multipart/form-data", "multipart/form-data; boundary=" + b + "; charset=utf-8", "text/plain",
        "multipart/mixed; boundary=" + b, "application/json"));
    Arbitrary<String> part = Combinators.combine(Arbitraries.of("file", "other", "", "\"", "file\r\nX: y"),
        JsonFuzz.hostileStrings(), Arbitraries.of("image/png", "text/plain", "", "application/x-evil"),
        Arbitraries.strings().all().ofMaxLength(300))
        .as((name, filename, type, content) -> "Content-Disposition: form-data; name=\"" + name + "\"; filename=\""
            + filename.replace("\r", "").replace("\n", "") + "\"\r\nContent-Type: " + type + "\r\n\r\n" + content);
    return Combinators.combine(contentType, part.list().ofMaxSize(3), Arbitraries.of("--", "", "garbage"))
        .as((type, parts, end) -> {
          String b = type.contains("boundary=") ? type.replaceAll(".*boundary=([^;]*).*", "$1").replace("\"", "") : "x";
          String body = parts.stream().map(p -> "--" + b + "\r\n" + p + "\r\n").collect(Collectors.joining())
              + "--" + b + end + "\r\n";
          return Tuple.of(type, utf8(body));
        });
  }

  // ---- the check ----

  /** Never a 500; a refusal is the SPEC §1 error as JSON; an API success is JSON (or 204 with nothing). */
  private static void assertAnswersInTheSpecShape(Endpoint route, String target, FuzzHttp.Reply reply) {
    String request = (route == null ? "POST" : route.method()) + " " + target + " → " + reply.status() + " "
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
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
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
    return rawPath(route, values.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> encoded(e.getValue()))));
  }

  /** The route's path with its {params} from {@code raw} as they are (not encoded), else a name of nothing. */
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
      case USER -> Map.of("Content-Type", "application/json", "Authorization", "Bearer " + user.accessToken());
      case ADMIN -> Map.of("Content-Type", "application/json", "Authorization", "Bearer " + admin.accessToken());
      case FORGED -> Map.of("Content-Type", "application/json", "Authorization", "Bearer " + user.accessToken() + "x");
    };
  }

  /** Everything a request could have changed, as one comparable text. */
  private static String stored() {
    return TABLES.stream().map(t -> t + ": " + db.createQuery("SELECT * FROM " + t)
        .mapToMap().stream().map(row -> new TreeSet<>(row.entrySet().stream()
            .map(e -> e.getKey() + "=" + (e.getValue() instanceof byte[] bytes ? HexFormat.of().formatHex(bytes)
                : String.valueOf(e.getValue())))
            .toList()).toString())
        .sorted().collect(Collectors.joining("\n"))).collect(Collectors.joining("\n\n"));
  }

  private static String encoded(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The snake_case names of the components of every record nested in {@code owners} (the routes' bodies). */
  private static List<String> bodyFields(Class<?>... owners) {
    return Stream.of(owners).flatMap(c -> Arrays.stream(c.getDeclaredClasses())).filter(Class::isRecord)
        .flatMap(r -> Arrays.stream(r.getRecordComponents())).map(RecordComponent::getName)
        .map(n -> n.replaceAll("([A-Z])", "_$1").toLowerCase()).distinct().sorted().collect(Collectors.toCollection(
            ArrayList::new));
  }
}
