package dev.banter.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One real Banter and one headless Chromium per test class; a fresh browser context per page the
 * test opens (closed after each test). Users are registered through the API DSL and signed in by
 * seeding the client's session, except where signing in is what is tested.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebTestBase {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  static {
    PlaywrightAssertions.setDefaultAssertionTimeout(10_000);
  }

  TestServer server;
  Api api;
  Playwright playwright;
  Browser browser;
  final List<BrowserContext> contexts = new ArrayList<>();
  final List<String> pageErrors = new ArrayList<>();

  /** Extra server settings for this class. */
  Map<String, String> serverEnv() {
    return Map.of();
  }

  @BeforeAll
  void startServerAndBrowser() {
    if (!Files.isExecutable(CHROMIUM)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(CHROMIUM + " is missing; CI must install Chromium");
      }
      Assumptions.abort(CHROMIUM + " is missing; browser tests skipped outside CI");
    }
    Map<String, String> env =
        new LinkedHashMap<>(Map.of("BANTER_MESSAGE_RATE", "1000", "BANTER_MESSAGE_BURST", "1000"));
    env.putAll(serverEnv());
    server = TestServer.start(Backend.SQLITE, env);
    api = server.api();
    playwright = Playwright.create();
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run",
                            "--disable-dev-shm-usage",
                            "--disable-quic")));
  }

  @AfterEach
  void closeContexts() {
    contexts.forEach(BrowserContext::close);
    contexts.clear();
  }

  @AfterAll
  void stopServerAndBrowser() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (server != null) {
      server.close();
    }
  }

  BrowserContext newContext(int width, int height) {
    return newContext(new Browser.NewContextOptions().setViewportSize(width, height));
  }

  /**
   * A context with the test's own options (the base URL is added here). Its locale is en-US unless
   * the test chose one, so the client's language (#21: from the browser's) and its dates do not
   * depend on the machine's LANG.
   */
  BrowserContext newContext(Browser.NewContextOptions options) {
    if (options.locale == null) {
      options.setLocale("en-US");
    }
    BrowserContext c = browser.newContext(options.setBaseURL(server.baseUrl()));
    contexts.add(c);
    return c;
  }

  /** A page on the sign-in screen. */
  Page anonymousPage() {
    Page page = newContext(1280, 800).newPage();
    watch(page);
    page.navigate("/");
    return page;
  }

  /** A page already signed in as {@code who} (the session seeded into localStorage). */
  Page signedIn(Account who) {
    return signedIn(who, 1280, 800);
  }

  Page signedIn(Account who, int width, int height) {
    return signedIn(who, newContext(width, height));
  }

  /**
   * A page of {@code c} (which may carry init scripts of the test's own) signed in as {@code who}.
   */
  Page signedIn(Account who, BrowserContext c) {
    c.addInitScript(
        "if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1');"
            + " localStorage.setItem('banter.session', "
            + quote(session(who))
            + "); }");
    Page page = c.newPage();
    watch(page);
    page.navigate("/");
    // by its state, not its words: a test may open the page in another language
    PlaywrightAssertions.assertThat(page.locator("#conn.connected")).hasCount(1);
    return page;
  }

  private void watch(Page page) {
    page.onPageError(
        e -> {
          pageErrors.add(e);
          System.out.println("[browser error] " + e);
        });
    page.onConsoleMessage(
        m -> {
          if ("error".equals(m.type()) && !m.text().startsWith("Failed to load resource")) {
            System.out.println("[browser console] " + m.text());
          }
        });
  }

  private static String session(Account who) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("access_token", who.accessToken());
    s.put("refresh_token", who.refreshToken());
    s.put("ttl_ms", 900_000);
    s.put("expires_at", System.currentTimeMillis() + 900_000);
    s.put("user", who.user());
    try {
      return new ObjectMapper().writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quote(String json) {
    try {
      return new ObjectMapper().writeValueAsString(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens a room from the room list by its visible name. */
  static void openRoom(Page page, String roomId) {
    page.locator("#sidebar [data-room-id='" + roomId + "']").click();
    PlaywrightAssertions.assertThat(page.locator("#sidebar [data-room-id='" + roomId + "']"))
        .hasAttribute("aria-current", "page");
  }

  static Locator messages(Page page) {
    return page.locator("#messages li.msg:not(.pending)");
  }
}
