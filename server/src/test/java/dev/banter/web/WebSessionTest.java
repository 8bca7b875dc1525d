package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.banter.support.Api.Account;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Access tokens that live 3 s: the client refreshes them in time and hands the fresh one to its
 * socket (which the server would close 4001 at expiry), and a revoked session ends cleanly.
 */
class WebSessionTest extends WebTestBase {
  @Override
  Map<String, String> serverEnv() {
    return Map.of("BANTER_ACCESS_TOKEN_TTL", "3s", "BANTER_WS_PING_INTERVAL", "500ms");
  }

  Page signInThroughTheForm(Account who) {
    Page page = anonymousPage();
    page.getByLabel("Username").fill(who.username());
    page.getByLabel("Password").fill(who.password());
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    assertThat(page.locator("#conn")).hasText("Connected");
    return page;
  }

  static String storedRefreshToken(Page page) throws Exception {
    String json = (String) page.evaluate("localStorage.getItem('banter.session')");
    return new ObjectMapper().readTree(json).get("refresh_token").asText();
  }

  /** Read from the node itself: a scrape of /metrics may be a second old. */
  private double connectsSoFar() {
    return server.banter().metrics().connects.count();
  }

  @Test
  void theSessionKeepsWorkingLongAfterTheFirstTokenExpired() throws Exception {
    Account alice = api.register("longhaul");
    Page page = signInThroughTheForm(alice);
    String first = storedRefreshToken(page);
    double connects = connectsSoFar();
    // 3 s tokens plus 5 s of clock leeway: after 10 s the first token is dead for sure.
    page.waitForFunction(
        "() => Date.now() > " + (System.currentTimeMillis() + 10_000),
        null,
        new Page.WaitForFunctionOptions().setTimeout(20_000));
    assertThat(storedRefreshToken(page)).isNotEqualTo(first);
    assertThat(connectsSoFar())
        .as("the socket was never closed for an expired token and reopened")
        .isEqualTo(connects);
    page.locator("#input").fill("still here");
    page.locator("#input").press("Enter");
    assertThat(
            page.locator("#messages li.msg:not(.pending) .body")
                .filter(new Locator.FilterOptions().setHasText("still here")))
        .hasCount(1);
    page.getByText("Browse rooms").click();
    assertThat(page.locator("dialog .results li").first()).isVisible();
    assertThat(page.locator("dialog .error")).isEmpty();
    String token =
        api.post(
                "/api/v1/auth/login",
                Map.of("username", alice.username(), "password", alice.password()),
                null)
            .json()
            .get("access_token")
            .asText();
    JsonNode history = api.get("/api/v1/rooms/general/messages?limit=5", token).json();
    assertThat(history.get("messages").findValuesAsText("body")).contains("still here");
  }

  @Test
  void aRevokedSessionReturnsToTheSignInScreen() throws Exception {
    Account bob = api.register("revoked");
    Page page = signInThroughTheForm(bob);
    api.post("/api/v1/auth/logout", Map.of("refresh_token", storedRefreshToken(page)), null);
    assertThat(page.locator("#auth-title")).hasText("Sign in to Banter");
    assertThat(page.locator(".notice")).hasText("Your session has ended. Please sign in again.");
    assertThat(page.evaluate("localStorage.getItem('banter.session')")).isNull();
  }
}
