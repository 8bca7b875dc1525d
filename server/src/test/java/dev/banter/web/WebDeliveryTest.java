package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.ColorScheme;
import dev.banter.support.Api.Account;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * How the client reaches the browser: compressed, revalidated, and noticing when the server now
 * serves a newer version of it; and the light and dark themes.
 */
class WebDeliveryTest extends WebTestBase {
  @Test
  void chromiumGetsTheClientBrotliCompressedAndRunsIt() {
    Account alice = api.register("brotli");
    Map<String, String> encodings = new ConcurrentHashMap<>();
    BrowserContext c = newContext(1280, 800);
    c.onResponse(
        (Response r) -> {
          String path = r.url().substring(server.baseUrl().length());
          encodings.put(path, String.valueOf(r.headers().get("content-encoding")));
        });
    Page page = signedIn(alice, c);
    page.locator("#input").fill("compressed and working");
    page.locator("#input").press("Enter");
    assertThat(messages(page).last()).containsText("compressed and working");
    assertThat(encodings)
        .containsEntry("/", "br")
        .containsEntry("/js/main.js", "br")
        .containsEntry("/app.css", "br")
        .containsEntry("/js/vendor/markdown-it.esm.min.mjs", "br");
  }

  @Test
  void aPageOpenAcrossAnUpgradeOffersAReloadAfterItReconnects() {
    Account alice = api.register("upgrade");
    AtomicReference<String> served = new AtomicReference<>();
    BrowserContext c = newContext(1280, 800);
    c.route(
        "**/version.json",
        route -> {
          String v = served.get();
          if (v == null) {
            route.resume();
          } else {
            route.fulfill(
                new Route.FulfillOptions()
                    .setStatus(200)
                    .setContentType("application/json")
                    .setBody("{\"version\":\"" + v + "\"}"));
          }
        });
    Page page = signedIn(alice, c);
    c.setOffline(true);
    assertThat(page.locator("#conn")).not().hasText("Connected");
    c.setOffline(false);
    assertThat(page.locator("#conn")).hasText("Connected");
    assertThat(page.locator("#update-banner")).hasCount(0);

    served.set("a-newer-build");
    c.setOffline(true);
    assertThat(page.locator("#conn")).not().hasText("Connected");
    c.setOffline(false);
    assertThat(page.locator("#update-banner")).isVisible();
    assertThat(page.locator("#update-banner")).hasAttribute("role", "status");
    page.locator("#update-banner button", new Page.LocatorOptions().setHasText("Reload")).click();
    assertThat(page.locator("#conn")).hasText("Connected");
    // the reloaded page is the new version: nothing to offer any more
    assertThat(page.locator("#update-banner")).hasCount(0);
  }

  private static String background(Page page) {
    return (String) page.evaluate("getComputedStyle(document.body).backgroundColor");
  }

  @Test
  void theThemeFollowsTheSystemUntilTheUserPicksOneAndThePickOutlivesAReload() {
    Account alice = api.register("themes");
    BrowserContext c =
        newContext(
            new Browser.NewContextOptions()
                .setViewportSize(1280, 800)
                .setColorScheme(ColorScheme.DARK));
    Page page = signedIn(alice, c);
    String dark = "rgb(23, 25, 29)";
    String light = "rgb(255, 255, 255)";
    assertThat(background(page)).as("the system is dark").isEqualTo(dark);
    assertThat(page.locator("#btn-theme"))
        .hasAttribute("aria-label", "Theme: follows the system. Switch to light");

    page.locator("#btn-theme").click();
    assertThat(page.locator("html")).hasAttribute("data-theme", "light");
    assertThat(background(page)).isEqualTo(light);
    page.locator("#btn-theme").press("Enter");
    assertThat(page.locator("html")).hasAttribute("data-theme", "dark");
    assertThat(background(page)).isEqualTo(dark);
    page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
    assertThat(background(page)).as("a pick outranks the system").isEqualTo(dark);

    page.reload();
    assertThat(page.locator("#conn")).hasText("Connected");
    assertThat(page.locator("html")).hasAttribute("data-theme", "dark");
    assertThat(background(page)).isEqualTo(dark);
    page.locator("#btn-theme").click();
    assertThat(page.locator("html")).not().hasAttribute("data-theme", "dark");
    assertThat(background(page)).as("back to the system, light now").isEqualTo(light);
    assertThat(page.evaluate("localStorage.getItem('banter.theme')")).isNull();
  }
}
