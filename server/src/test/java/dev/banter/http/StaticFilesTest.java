package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.Memory;
import dev.banter.support.RawHttp;
import dev.banter.support.TestServer;
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
