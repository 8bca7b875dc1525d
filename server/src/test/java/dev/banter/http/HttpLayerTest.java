package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.core.ApiError;
import dev.banter.core.Metrics;
import dev.banter.core.RateLimiter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The router and error mapper on their own, with routes made for the test. */
class HttpLayerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private ExecutorService blocking;
  private HttpServer server;
  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void start() throws Exception {
    Routes routes = new Routes();
    routes
        .get(
            "/boom",
            req -> {
              throw new IllegalStateException("secret internal detail");
            })
        .open();
    routes.get("/items/{id}", req -> Map.of("id", req.param("id"))).open();
    routes.get("/items/special", req -> Map.of("special", true)).open();
    routes
        .get(
            "/slow/{ms}",
            req -> {
              Thread.sleep(Long.parseLong(req.param("ms")));
              return Map.of("slept", req.param("ms"));
            })
        .open();
    routes.get("/private", req -> Map.of("user", req.user().username()));
    blocking = Executors.newVirtualThreadPerTaskExecutor();
    Authenticator refuseAll =
        token -> {
          throw ApiError.unauthorized("invalid access token");
        };
    server =
        HttpServer.start(
            new HttpServer.Listen("127.0.0.1", 0, null),
            new HttpServer.Handlers(
                routes,
                refuseAll,
                RateLimiter.perPeriod(1000, Duration.ofMinutes(1)),
                RateLimiter.perPeriod(1000, Duration.ofMinutes(1)),
                blocking,
                null,
                null,
                null),
            new HttpServer.Limits(0, Duration.ofSeconds(10)),
            HttpServer.Edge.DIRECT,
            new Metrics("test"));
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(Dispatcher.class)).addAppender(logs);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(Dispatcher.class)).detachAppender(logs);
    server.close();
    blocking.shutdownNow();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anUnexpectedFailureIsA500WithARequestIdThatIsAlsoLogged() throws Exception {
    HttpResponse<String> r = get("/boom");
    assertThat(r.statusCode()).isEqualTo(500);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.at("/error/code").asText()).isEqualTo("internal");
    String requestId = body.at("/error/details/request_id").asText();
    assertThat(requestId)
        .isNotBlank()
        .isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
    assertThat(r.body())
        .doesNotContain("secret internal detail")
        .doesNotContain("IllegalStateException")
        .doesNotContain("at dev.banter");
    assertThat(logs.list)
        .anySatisfy(
            e -> {
              assertThat(e.getFormattedMessage()).contains(requestId);
              assertThat(e.getThrowableProxy()).isNotNull();
            });
  }

  @Test
  void literalSegmentsWinOverParameters() throws Exception {
    assertThat(get("/items/special").body()).contains("\"special\":true");
    assertThat(get("/items/%F0%9F%91%8D").body()).contains("\"id\":\"\uD83D\uDC4D\"");
    assertThat(get("/items/a+b").body()).contains("\"id\":\"a+b\"");
  }

  @Test
  void aProtectedRouteWithoutAValidTokenIs401() throws Exception {
    HttpResponse<String> r = get("/private");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("unauthorized");
  }

  @Test
  void pipelinedRequestsAreAnsweredInTheOrderSent() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      String req =
          "GET /slow/300 HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /slow/0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
      out.write(req.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int slow = all.indexOf("{\"slept\":\"300\"}");
      int fast = all.indexOf("{\"slept\":\"0\"}");
      assertThat(slow).isNotNegative();
      assertThat(fast).isGreaterThan(slow);
    }
  }

  @Test
  void malformedHttpGetsA400() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.getOutputStream().write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String head =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertThat(head).startsWith("HTTP/1.1 400");
    }
  }
}
