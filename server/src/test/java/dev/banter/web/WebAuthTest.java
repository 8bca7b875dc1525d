package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signing up, signing in, guest entry and signing out through the web client. */
class WebAuthTest extends WebTestBase {
  @Override
  Map<String, String> serverEnv() {
    return Map.of("BANTER_GUEST_ACCESS", "true");
  }

  @Test
  void registeringOpensTheGeneralRoom() {
    Page page = anonymousPage();
    String name = Api.uniqueName("reg");
    page.getByText("No account? Create one").click();
    page.getByLabel("Username").fill(name);
    page.getByLabel("Password").fill("a long enough password");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
    assertThat(page.locator("#room-name")).hasText("# general");
    assertThat(page.locator("#conn")).hasText("Connected");
    assertThat(page.locator("#me-bar")).containsText(name);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void signingInWithTheRightPasswordWorksAndAWrongOneShowsTheError() {
    Account alice = api.register("login");
    Page page = anonymousPage();
    page.getByLabel("Username").fill(alice.username());
    page.getByLabel("Password").fill("wrong password!");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    assertThat(page.locator(".auth-card .error").first()).hasText("wrong username or password");
    page.getByLabel("Password").fill(alice.password());
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    assertThat(page.locator("#room-name")).hasText("# general");
    assertThat(page.locator("#conn")).hasText("Connected");
  }

  @Test
  void aGuestCanEnterWithJustAName() {
    Page page = anonymousPage();
    String name = Api.uniqueName("guest");
    page.getByLabel("Pick a name").fill(name);
    page.getByText("Join as guest").click();
    assertThat(page.locator("#room-name")).hasText("# general");
    assertThat(page.locator("#me-bar")).containsText(name);
  }

  @Test
  void signingOutReturnsToTheSignInScreenAndRevokesTheSession() {
    Account bob = api.register("out");
    Page page = signedIn(bob);
    page.getByText("Sign out").click();
    assertThat(page.locator("#auth-title")).hasText("Sign in to Banter");
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", bob.refreshToken()), null)
                .status())
        .isEqualTo(401);
  }
}
