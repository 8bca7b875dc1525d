package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import dev.banter.support.Api;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.Memory;
import dev.banter.support.RawHttp;
import dev.banter.support.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The web client is served from the jar, with a CSP that forbids inline scripts and with ETags. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaticFilesTest {
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE);
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theClientIsServedAtTheRootWithAContentSecurityPolicy() {
    Reply r = api.get("/", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.raw().body()).contains("<title>Banter</title>");
    String csp = r.header("Content-Security-Policy");
    assertThat(csp)
        .contains("script-src 'self'")
        .doesNotContain("unsafe-inline")
        .contains("object-src 'none'");
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.header("ETag")).isNotBlank();
  }

  @Test
  void anUnchangedFileIsA304() throws Exception {
    String etag = api.get("/", null).header("ETag");
    HttpResponse<String> again =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/"))
                    .header("If-None-Match", etag)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  private HttpResponse<byte[]> fetch(String path, String acceptEncoding, String ifNoneMatch)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
    if (acceptEncoding != null) {
      b.header("Accept-Encoding", acceptEncoding);
    }
    if (ifNoneMatch != null) {
      b.header("If-None-Match", ifNoneMatch);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void textFilesGoOutInTheBestEncodingTheClientAcceptsEachWithItsOwnEtag() throws Exception {
    assertThat(Encodings.brotliAvailable()).as("brotli4j ships this platform's library").isTrue();
    String path = "/js/vendor/markdown-it.esm.min.mjs";
    HttpResponse<byte[]> plain = fetch(path, null, null);
    assertThat(header(plain, "Content-Encoding")).isNull();
    assertThat(header(plain, "Vary")).isEqualTo("Accept-Encoding");

    HttpResponse<byte[]> gz = fetch(path, "gzip, deflate", null);
    assertThat(header(gz, "Content-Encoding")).isEqualTo("gzip");
    assertThat(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes())
        .isEqualTo(plain.body());
    assertThat(gz.body().length).isLessThan(plain.body().length / 2);

    HttpResponse<byte[]> br = fetch(path, "gzip, deflate, br, zstd", null);
    assertThat(header(br, "Content-Encoding")).isEqualTo("br");
    assertThat(Decoder.decompress(br.body()).getDecompressedData()).isEqualTo(plain.body());
    assertThat(br.body().length).isLessThan(gz.body().length);

    Set<String> etags = Set.of(header(plain, "ETag"), header(gz, "ETag"), header(br, "ETag"));
    assertThat(etags).as("one per form").hasSize(3);
    HttpResponse<byte[]> unchanged = fetch(path, "br", header(br, "ETag"));
    assertThat(unchanged.statusCode()).isEqualTo(304);
    assertThat(header(unchanged, "Content-Encoding")).isNull();
    assertThat(fetch(path, "gzip", "W/" + header(gz, "ETag")).statusCode()).isEqualTo(304);
    assertThat(fetch(path, "gzip", header(br, "ETag")).statusCode())
        .as("the Brotli form's tag does not validate the gzip form")
        .isEqualTo(200);
  }

  @Test
  void qValuesRefuseCodingsAndMalformedOnesRefuseNothingElse() throws Exception {
    String path = "/app.css";
    assertThat(header(fetch(path, "br;q=0, gzip", null), "Content-Encoding")).isEqualTo("gzip");
    assertThat(header(fetch(path, "gzip;q=0.5, br;q=0.4", null), "Content-Encoding"))
        .isEqualTo("gzip");
    assertThat(header(fetch(path, "*", null), "Content-Encoding")).isEqualTo("br");
    assertThat(header(fetch(path, "*;q=0", null), "Content-Encoding")).isNull();
    assertThat(header(fetch(path, "identity", null), "Content-Encoding")).isNull();
    assertThat(header(fetch(path, "gzip;q=banana", null), "Content-Encoding")).isNull();
    assertThat(header(fetch(path, "gzip;q=1.5", null), "Content-Encoding")).isNull();
    HttpResponse<byte[]> junk = fetch(path, ",,;;q=,," + "x".repeat(4000), null);
    assertThat(junk.statusCode()).isEqualTo(200);
    assertThat(header(junk, "Content-Encoding")).isNull();
  }

  @Test
  void imagesAndTinyFilesAreSentAsTheyAre() {
    StaticFiles files =
        StaticFiles.of(
            Map.of(
                "/tiny.js", "let a = 1;".getBytes(StandardCharsets.UTF_8),
                "/logo.png", "x".repeat(5000).getBytes(StandardCharsets.UTF_8),
                "/big.js", "let a = 1;\n".repeat(500).getBytes(StandardCharsets.UTF_8)),
            false);
    assertThat(files.find("/tiny.js").orElseThrow().gzip()).isNull();
    assertThat(files.find("/logo.png").orElseThrow().brotli()).isNull();
    assertThat(files.find("/logo.png").orElseThrow().gzip()).isNull();
    assertThat(files.find("/big.js").orElseThrow().gzip()).isNotNull();
    assertThat(files.find("/version.json")).as("only the web client's files carry it").isEmpty();
  }

  @Test
  void theClientsVersionChangesWithAnyOfItsFilesAndIsServedUncached() throws Exception {
    Map<String, byte[]> v1 =
        Map.of(
            "/index.html", "<p>one".getBytes(StandardCharsets.UTF_8),
            "/js/a.js", "a".getBytes(StandardCharsets.UTF_8));
    Map<String, byte[]> v2 =
        Map.of(
            "/index.html", "<p>one".getBytes(StandardCharsets.UTF_8),
            "/js/a.js", "b".getBytes(StandardCharsets.UTF_8));
    String one = StaticFiles.of(v1, true).version();
    assertThat(StaticFiles.of(v1, true).version()).isEqualTo(one);
    assertThat(StaticFiles.of(v2, true).version()).isNotEqualTo(one);
    assertThat(StaticFiles.of(v1, false).version())
        .as("version.json is not part of it")
        .isEqualTo(one);

    HttpResponse<byte[]> r = fetch("/version.json", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "Content-Type")).startsWith("application/json");
    assertThat(header(r, "Cache-Control")).isEqualTo("no-cache");
    String served = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(served)
        .isEqualTo("{\"version\":\"" + StaticFiles.webClient("/web").version() + "\"}\n");
  }

  @Test
  void twentyThousandUnknownPathsAreRememberedNowhereAndKnownFilesAreStillServed()
      throws Exception {
    String etag = api.get("/", null).header("ETag");
    long before = Memory.usedMiB();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      clients.add(Thread.ofVirtual().start(() -> askForUnknownFiles(client, 5_000)));
    }
    for (Thread t : clients) {
      t.join();
    }
    long held = Memory.usedMiB() - before;
    System.out.printf("20,000 unknown static paths of 2 KiB: memory +%d MiB%n", held);
    assertThat(held).isLessThan(10);
    HttpResponse<String> again =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/"))
                    .header("If-None-Match", etag)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);
    Reply js = api.get("/js/main.js", null);
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.header("ETag")).isNotBlank();
  }

  /**
   * Pipelines {@code n} requests for files that do not exist, each path new and 2 KiB long, reading
   * every 404.
   */
  private void askForUnknownFiles(int client, int n) {
    try (RawHttp c = RawHttp.connect(server.port())) {
      String padding = "x".repeat(2048);
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < n; i++) {
                        c.send(RawHttp.get("/missing-" + client + "-" + i + "-" + padding + ".js"));
                      }
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
      for (int i = 0; i < n; i++) {
        assertThat(c.read().status()).isEqualTo(404);
      }
      writer.join();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void theIndexHoldsEveryFileOfTheClientWhetherItsFolderIsADirectoryOrInAJar() throws Exception {
    Path sources = Path.of("src/main/resources/web");
    Set<String> onDisk;
    try (Stream<Path> files = Files.walk(sources)) {
      onDisk =
          files
              .filter(Files::isRegularFile)
              .map(p -> "/" + sources.relativize(p).toString().replace('\\', '/'))
              .collect(Collectors.toSet());
    }
    assertThat(StaticFiles.filesUnder(Path.of("target/classes"), "web").keySet()).isEqualTo(onDisk);
    StaticFiles web = new StaticFiles("/web");
    assertThat(web.size()).isEqualTo(onDisk.size());
    for (int i = 0; i < 20_000; i++) {
      assertThat(web.find("/unknown-" + i + ".js")).isEmpty();
    }
    assertThat(web.size()).as("misses are not kept").isEqualTo(onDisk.size());

    Path jar = Files.createTempFile("web-", ".jar"); // like the shaded jar: entries for files only
    try {
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
        for (String name :
            List.of("web/index.html", "web/js/views/rooms.js", "api/openapi.yaml", "webby.txt")) {
          out.putNextEntry(new JarEntry(name));
          out.write(name.getBytes(StandardCharsets.UTF_8));
          out.closeEntry();
        }
      }
      Map<String, byte[]> inJar = StaticFiles.filesUnder(jar, "web");
      assertThat(inJar.keySet()).containsExactlyInAnyOrder("/index.html", "/js/views/rooms.js");
      assertThat(new String(inJar.get("/js/views/rooms.js"), StandardCharsets.UTF_8))
          .isEqualTo("web/js/views/rooms.js");
    } finally {
      Files.delete(jar);
    }
  }

  @Test
  void theVendoredMarkdownModuleIsServedAsJavaScript() {
    // a browser refuses a module script of any other type
    Reply mjs = api.get("/js/vendor/markdown-it.esm.min.mjs", null);
    assertThat(mjs.status()).isEqualTo(200);
    assertThat(mjs.header("Content-Type")).startsWith("text/javascript");
    assertThat(mjs.header("ETag")).isNotBlank();
    assertThat(mjs.raw().body()).startsWith("/*! markdown-it 15.0.3 ");
  }

  @Test
  void missingFilesAndEscapesAre404AndApiPathsStayJson() {
    assertThat(api.get("/nope.js", null).status()).isEqualTo(404);
    assertThat(api.get("/..%2f..%2fetc/passwd", null).status()).isEqualTo(404);
    assertThat(api.get("/%2e%2e/banter.db", null).status()).isEqualTo(404);
    assertThat(api.get("/db/migration/sqlite/V1__schema.sql", null).status()).isEqualTo(404);
    Reply api404 = api.get("/api/v1/nothing", null);
    assertThat(api404.status()).isEqualTo(404);
    assertThat(api404.errorCode()).isEqualTo("not_found");
  }
}
